import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { ArgumentValidationError } from 'type-graphql';
import { databaseFault } from '../db/faults';
import { DomainError, type ErrorCode } from '../errors';
import type { Logger } from '../logger';

const CONTRACT_CODES = new Set<string>([
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'TENANT_NOT_FOUND', 'TENANT_MISMATCH',
  'TENANT_SUSPENDED', 'PLAN_LIMIT_REACHED', 'RATE_LIMITED', 'REQUEST_TIMEOUT', 'SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR',
] satisfies ErrorCode[]);

/** Errors about the request document itself: the client sent something invalid. */
const REQUEST_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
]);

/** Apollo's codes that clients act on, passed as they are: on this one a client stops sending query hashes. */
const PROTOCOL_CODES = new Set<string>([ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED]);

function fieldProblems(error: ArgumentValidationError): Record<string, string> {
  const fields: Record<string, string> = {};
  const walk = (errors: ArgumentValidationError['extensions']['validationErrors'], prefix: string) => {
    for (const e of errors) {
      const path = prefix ? `${prefix}.${e.property}` : e.property;
      if (e.constraints) fields[path] = Object.values(e.constraints).join('; ');
      if (e.children?.length) walk(e.children, path);
    }
  };
  walk(error.extensions.validationErrors, '');
  return fields;
}

/**
 * The one place that decides what a client sees of an error: contract codes pass with their message;
 * anything unexpected becomes INTERNAL_SERVER_ERROR with a reference that the log line also carries.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(raw);
    // Domain errors raised before execution arrive wrapped (see src/http/request-error.ts).
    const error = unwrapped instanceof GraphQLError && unwrapped.originalError instanceof DomainError ? unwrapped.originalError : unwrapped;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (error instanceof DomainError) {
      return { ...base, message: error.message, extensions: { code: error.code, ...error.details } };
    }
    if (error instanceof ArgumentValidationError) {
      const fields = fieldProblems(error);
      const list = Object.entries(fields).map(([f, p]) => `${f}: ${p}`).join('; ');
      return { ...base, message: `Invalid input (${list})`, extensions: { code: 'BAD_USER_INPUT', fields } };
    }
    const fault = databaseFault(error);
    if (fault) {
      logger.warn({ err: error, path: formatted.path, code: fault.code }, 'database fault');
      return { ...base, message: fault.message, extensions: { code: fault.code } };
    }
    const code = String(formatted.extensions?.code ?? '');
    if (REQUEST_CODES.has(code)) return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    if (PROTOCOL_CODES.has(code)) return { ...base, extensions: { code } };
    if (CONTRACT_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR') return { ...base, extensions: { code } };
    const reference = randomUUID();
    logger.error({ err: error, reference, path: formatted.path }, 'unexpected error');
    return { message: `Internal server error (reference ${reference})`, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', reference } };
  };
}
