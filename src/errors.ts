/**
 * Domain errors: plain classes with a code from the public contract and no GraphQL import.
 * The GraphQL layer maps them to `extensions.code`; anything else is masked as INTERNAL_SERVER_ERROR.
 */
import type { ValidationError } from 'class-validator';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'TENANT_NOT_FOUND'
  | 'TENANT_MISMATCH'
  | 'TENANT_SUSPENDED'
  | 'PLAN_LIMIT_REACHED'
  | 'RATE_LIMITED'
  | 'REQUEST_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  | 'CLIENT_CLOSED_REQUEST';

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  TENANT_NOT_FOUND: 404,
  TENANT_MISMATCH: 400,
  TENANT_SUSPENDED: 403,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  REQUEST_TIMEOUT: 504,
  CLIENT_CLOSED_REQUEST: 499,
};

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /**
   * Status for errors raised before execution (tenant resolution, authentication), and for the two
   * that fail a whole request during it (SERVICE_UNAVAILABLE, REQUEST_TIMEOUT); undefined keeps 200.
   */
  get httpStatus(): number | undefined {
    return HTTP_STATUS[this.code];
  }
}

export class NotFoundError extends DomainError {
  static forEntity(entity: string, id: string): NotFoundError {
    return new NotFoundError('NOT_FOUND', `${entity} ${id} not found`);
  }
}

/**
 * class-validator's findings as problems by field, a nested field under its dotted path (`input.name`,
 * `tables.0.rows`), each field's messages joined with `; `.
 */
export function validationProblems(errors: ValidationError[]): Record<string, string> {
  const fields: Record<string, string> = {};
  const walk = (list: ValidationError[], prefix: string) => {
    for (const e of list) {
      const path = prefix ? `${prefix}.${e.property}` : e.property;
      if (e.constraints) fields[path] = Object.values(e.constraints).join('; ');
      if (e.children?.length) walk(e.children, path);
    }
  };
  walk(errors, '');
  return fields;
}

export class BadInputError extends DomainError {
  /** `fields` maps each offending input field to what is wrong with it. */
  static forFields(fields: Record<string, string>): BadInputError {
    const list = Object.entries(fields).map(([field, problem]) => `${field}: ${problem}`).join('; ');
    return new BadInputError('BAD_USER_INPUT', `Invalid input (${list})`, { fields });
  }
}

export class ConflictError extends DomainError {
  static because(message: string): ConflictError {
    return new ConflictError('CONFLICT', message);
  }
}

export class AuthError extends DomainError {
  static unauthenticated(message = 'Authentication required'): AuthError {
    return new AuthError('UNAUTHENTICATED', message);
  }
  static forbidden(message = 'Not allowed'): AuthError {
    return new AuthError('FORBIDDEN', message);
  }
}

export class TenantError extends DomainError {
  static notFound(): TenantError {
    return new TenantError('TENANT_NOT_FOUND', 'Hospital not found');
  }
  static mismatch(): TenantError {
    return new TenantError('TENANT_MISMATCH', 'The request names more than one hospital');
  }
  static suspended(): TenantError {
    return new TenantError('TENANT_SUSPENDED', 'This hospital is suspended');
  }
}

export class RateLimitedError extends DomainError {
  /** Too many attempts; `retryAfterSeconds` says when the next one may succeed. */
  static retryAfter(retryAfterSeconds: number): RateLimitedError {
    return new RateLimitedError('RATE_LIMITED', `Too many requests; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export class UnavailableError extends DomainError {
  /** The request ran past its deadline (REQUEST_DEADLINE_MS) or a statement past its timeout; nothing it did was kept. */
  static timedOut(): UnavailableError {
    return new UnavailableError('REQUEST_TIMEOUT', 'The request took too long and was abandoned; nothing it did was kept');
  }
  /** The database cannot be reached just now; the request may be retried. */
  static database(): UnavailableError {
    return new UnavailableError('SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly');
  }
}

/**
 * The client closed its connection before its request ran, and it was not run. No client ever sees
 * this (no one is left to answer it); metrics count it, with 499 as proxies record it.
 */
export class ClientClosedError extends DomainError {
  static beforeRunning(): ClientClosedError {
    return new ClientClosedError('CLIENT_CLOSED_REQUEST', 'The client closed the connection before the request ran; nothing was done');
  }
}
