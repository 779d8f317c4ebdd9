import { DriverException } from '@mikro-orm/core';
import { UnavailableError } from '../errors';

/**
 * SQL states of a server that is gone, going, or refusing connections (class 08, operator
 * intervention). Not 08P01 (protocol_violation): that is a malformed request (a NUL in a statement's
 * text cuts it short), which retrying would not mend.
 */
const UNAVAILABLE_STATES = /^(08(?!P01)...|57P0[1-4]|53300)$/;
/** `invalid_password`: the server refused a connection's password. */
const PASSWORD_REJECTED = '28P01';
/** `query_canceled`: the statement timeout (capped by the request deadline) fired. */
const CANCELED_STATE = '57014';
/** Socket-level failures reaching the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * What the pg client and the knex pool say when a connection dies, is not answered in time, or cannot
 * be had in time (MikroORM puts the SQL first).
 */
const LOST_CONNECTION = /(Connection terminated|Client has encountered a connection error|Knex: Timeout acquiring a connection|Query read timeout|\btimeout expired$)/;
/**
 * What the pg client says when the server did not answer a new connection (`connectionTimeoutMillis`:
 * "timeout expired" while connecting, or the connection terminated for it), or a statement
 * (`query_timeout`), in time.
 */
const NO_ANSWER = /(Connection terminated due to connection timeout|Query read timeout|\btimeout expired$)/;
/** What the knex pool says when no connection could be had in time. */
const POOL_TIMEOUT = /Knex: Timeout acquiring a connection/;

/**
 * A placement names a database server this process has no setting for: during a rollout, a gateway
 * whose TENANT_DATABASE_SERVERS lacks a server that another one placed a hospital on. The hospital
 * cannot be reached from here, as if its server were down.
 */
export class UnconfiguredServerError extends Error {
  constructor(readonly server: string) {
    super(`Unknown database server "${server}": it is not in this process's TENANT_DATABASE_SERVERS`);
    this.name = 'UnconfiguredServerError';
  }
}

/**
 * A database server stopped answering (it accepts connections and says nothing, or went silent on
 * open ones): requests for its databases are refused at once until it is tried again.
 */
export class ServerNotAnsweringError extends Error {
  constructor(readonly server: string, retryInMs: number) {
    super(`Database server "${server}" is not answering; the next try is in ${Math.ceil(retryInMs / 1000)} s`);
    this.name = 'ServerNotAnsweringError';
  }
}

/**
 * Whether `error` says that the server did not answer in time, a new connection or a statement (not
 * that it refused or closed the connection, which it answers at once). Follows `cause` chains.
 */
export function noAnswer(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message } = e as { message?: unknown };
    if (typeof message === 'string' && NO_ANSWER.test(message)) return true;
  }
  return false;
}

/** Whether `error` says that the server's host refused the connection (ECONNREFUSED): it is down, not silent. Follows `cause` chains. */
export function refusedByServer(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'ECONNREFUSED') return true;
    if (e instanceof AggregateError) return e.errors.some(refusedByServer);
  }
  return false;
}

/**
 * Maps a failure to reach the database (its server down, or not configured here, or refusing the
 * password of a new connection: no request can be served until that is put right), or a statement
 * cancelled by its timeout, to the coded error a client sees (SERVICE_UNAVAILABLE, REQUEST_TIMEOUT);
 * anything else is not a fault of this kind and gives undefined. Follows `cause` chains, since some layers wrap the driver's error.
 */
export function databaseFault(error: unknown): UnavailableError | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, sqlState, message, name } = e as { code?: unknown; sqlState?: unknown; message?: unknown; name?: unknown };
    const state = typeof sqlState === 'string' ? sqlState : typeof code === 'string' ? code : '';
    if (e instanceof UnconfiguredServerError || e instanceof ServerNotAnsweringError) return UnavailableError.database();
    if (state === CANCELED_STATE) return UnavailableError.timedOut();
    if (UNAVAILABLE_STATES.test(state) || state === PASSWORD_REJECTED || NETWORK_CODES.has(state) || name === 'KnexTimeoutError') return UnavailableError.database();
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) return UnavailableError.database();
    if (e instanceof AggregateError) return databaseFault(e.errors[0]);
  }
  return undefined;
}

/**
 * Whether an error came from the database (a statement it refused, or a fault reaching it): the
 * transaction it happened in is aborted and takes no further statement. Follows `cause` chains.
 */
export function fromDatabase(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DriverException) return true;
  }
  return databaseFault(error) !== undefined;
}

/**
 * Whether the pool gave up waiting for a free connection (a fault, SERVICE_UNAVAILABLE, but unlike a
 * lost connection not one that trying again at once would mend: it would wait as long again).
 */
export function poolTimedOut(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message, name } = e as { message?: unknown; name?: unknown };
    if (name === 'KnexTimeoutError' || (typeof message === 'string' && POOL_TIMEOUT.test(message))) return true;
  }
  return false;
}

/**
 * The database user whose password the server refused (28P01), when that is what `error` is: '' when
 * the message does not name it. Follows `cause` chains.
 */
export function rejectedPasswordUser(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, sqlState, message } = e as { code?: unknown; sqlState?: unknown; message?: unknown };
    if (code !== PASSWORD_REJECTED && sqlState !== PASSWORD_REJECTED) continue;
    return /for user "([^"]*)"/.exec(typeof message === 'string' ? message : '')?.[1] ?? '';
  }
  return undefined;
}
