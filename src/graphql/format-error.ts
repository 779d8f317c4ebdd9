import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import type { ValidationError } from 'class-validator';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { ArgumentValidationError } from 'type-graphql';
import { logDatabaseFault } from '../db/fault-log';
import { databaseFault } from '../db/faults';
import { DomainError, validationProblems, type ErrorCode } from '../errors';
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

/** An unexpected error: the client sees only a reference, which the log line also carries. */
function internalError(logger: Logger, err: unknown, path: GraphQLFormattedError['path'], what: string): GraphQLFormattedError {
  const reference = randomUUID();
  logger.error({ err, reference, path }, what);
  return { message: `Internal server error (reference ${reference})`, path, extensions: { code: 'INTERNAL_SERVER_ERROR', reference } };
}

function formatError(logger: Logger, formatted: GraphQLFormattedError, raw: unknown, runtimeRole?: string): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(raw);
  // Domain errors raised before execution arrive wrapped (see src/http/request-error.ts).
  const error = unwrapped instanceof GraphQLError && unwrapped.originalError instanceof DomainError ? unwrapped.originalError : unwrapped;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (error instanceof DomainError) {
    return { ...base, message: error.message, extensions: { code: error.code, ...error.details } };
  }
  if (error instanceof ArgumentValidationError) {
    const problems: unknown = error.extensions.validationErrors;
    // A rule that threw, rather than found problems: type-graphql puts the thrown error in place of the
    // list. It is formatted as itself, without the wrapper's BAD_USER_INPUT.
    if (!Array.isArray(problems)) return formatError(logger, { ...formatted, extensions: undefined }, problems, runtimeRole);
    const fields = validationProblems(problems as ValidationError[]);
    const list = Object.entries(fields).map(([f, p]) => `${f}: ${p}`).join('; ');
    return { ...base, message: `Invalid input (${list})`, extensions: { code: 'BAD_USER_INPUT', fields } };
  }
  const fault = databaseFault(error);
  if (fault) {
    logDatabaseFault(logger, error, { path: formatted.path, code: fault.code }, runtimeRole);
    return { ...base, message: fault.message, extensions: { code: fault.code } };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (REQUEST_CODES.has(code)) return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  if (PROTOCOL_CODES.has(code)) return { ...base, extensions: { code } };
  if (CONTRACT_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR') return { ...base, extensions: { code } };
  return internalError(logger, error, formatted.path, 'unexpected error');
}

/**
 * The one place that decides what a client sees of an error: contract codes pass with their message;
 * anything unexpected becomes INTERNAL_SERVER_ERROR with a reference that the log line also carries.
 * It never throws: Apollo would answer a formatter that throws with a bare "Internal server error"
 * that no log line explains, so a failure to format is itself an unexpected error. `runtimeRole`
 * (APP_DB_ROLE) is named in the log when PostgreSQL refuses its password.
 */
export function createErrorFormatter(logger: Logger, runtimeRole?: string) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    try {
      return formatError(logger, formatted, raw, runtimeRole);
    } catch (failure) {
      return internalError(logger, failure, formatted.path, 'error formatting failed');
    }
  };
}
