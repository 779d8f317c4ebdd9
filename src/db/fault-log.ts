import type { Logger } from '../logger';
import { rejectedPasswordUser } from './faults';

/** What the log says when PostgreSQL refuses the runtime role's password. */
export const RUNTIME_PASSWORD_REJECTED =
  "PostgreSQL rejected the runtime role's password (28P01): APP_DB_PASSWORD no longer signs in as APP_DB_ROLE, whose password was changed on the server (by another deployment using the same APP_DB_ROLE, or by hand)";

/**
 * Logs a database fault met by a request (answered SERVICE_UNAVAILABLE or REQUEST_TIMEOUT): a warning,
 * as the database coming back mends it, except a refused password, an error that lasts until someone
 * sets the password right, naming the runtime role (`runtimeRole`) when it is its password.
 */
export function logDatabaseFault(logger: Logger, error: unknown, fields: Record<string, unknown>, runtimeRole?: string): void {
  const user = rejectedPasswordUser(error);
  if (user === undefined) logger.warn({ err: error, ...fields }, 'database fault');
  else if (user === runtimeRole) logger.error({ err: error, role: user, ...fields }, RUNTIME_PASSWORD_REJECTED);
  else logger.error({ err: error, user: user || undefined, ...fields }, `PostgreSQL rejected the password of database user ${user ? `"${user}" ` : ''}(28P01)`);
}
