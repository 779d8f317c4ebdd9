import { failureReason } from './failure-reason';

/**
 * SQL states of a connection the server turned away for good: the database named does not exist
 * (3D000), the password is wrong (28P01), or the role does not exist or may not connect (28000).
 * Waiting mends none of them, unlike a server that is down or still starting.
 */
const REFUSED_STATES = new Set(['3D000', '28P01', '28000']);

/** PostgreSQL's reason and SQL state when `error` (or one of its causes) is such a refusal; otherwise undefined. */
export function refusedConnection(error: unknown): { state: string; reason: string } | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, sqlState } = e as { code?: unknown; sqlState?: unknown };
    const state = typeof sqlState === 'string' ? sqlState : typeof code === 'string' ? code : '';
    if (REFUSED_STATES.has(state)) return { state, reason: failureReason(e) };
  }
  return undefined;
}
