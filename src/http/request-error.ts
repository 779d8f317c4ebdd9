import { GraphQLError } from 'graphql';
import { databaseFault } from '../db/faults';
import { DomainError } from '../errors';

/**
 * The body of an answer refused before GraphQL runs (routing, body checks, the deadline), in the shape
 * Apollo gives its errors: one error with its message, code and details.
 */
export function errorBody(message: string, code: string, details: Record<string, unknown> = {}): { errors: [{ message: string; extensions: Record<string, unknown> }] } {
  return { errors: [{ message, extensions: { code, ...details } }] };
}

/**
 * A domain error (or a database fault, as SERVICE_UNAVAILABLE / REQUEST_TIMEOUT) raised before
 * execution (context, plugins), as Apollo reports it: its code, its details (through the error
 * formatter), its HTTP status and, with a retry hint, `Retry-After`.
 */
export function asRequestError(unknownError: unknown): unknown {
  const error = databaseFault(unknownError) ?? unknownError;
  if (!(error instanceof DomainError)) return error;
  const retryAfter = error.details?.retryAfterSeconds;
  const headers = typeof retryAfter === 'number' ? new Map([['retry-after', String(retryAfter)]]) : undefined;
  const http = error.httpStatus ? { status: error.httpStatus, ...(headers ? { headers } : {}) } : undefined;
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, ...(http ? { http } : {}) } });
}
