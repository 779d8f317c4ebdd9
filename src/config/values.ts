import proxyaddr from 'proxy-addr';
import pino from 'pino';

/** Parsers of single settings: each returns the value or throws a ConfigError naming the variable. */

export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

/** The largest 32-bit integer: what PostgreSQL's integer holds, and the longest delay (ms) a Node timer takes (longer fires at once). */
export const INT32_MAX = 2_147_483_647;

/** A whole number from `min` to `max`, in decimal digits only (not `1e3`, `0x10` or `1.0`, which Number() would take). */
export function int(env: Env, key: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const { min = 0, max = INT32_MAX } = range;
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(`${key} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** A whole number of at least 1. */
export function positive(env: Env, key: string, fallback: number, max = INT32_MAX): number {
  return int(env, key, fallback, { min: 1, max });
}

/** A TCP port. */
export function port(env: Env, key: string, fallback: number): number {
  return int(env, key, fallback, { min: 1, max: 65_535 });
}

/** A number written in decimal digits with an optional fraction (`2`, `2.5`), from 0 to `max`. */
export function decimal(env: Env, key: string, fallback: number, max = 1_000_000): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value > max) throw new ConfigError(`${key} must be a number from 0 to ${max} in decimal digits (such as 2 or 2.5), got "${raw}"`);
  return value;
}

export function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

/** One of `allowed`, exactly as written; unset or empty gives `fallback`. */
export function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  const list = allowed.length > 3 ? allowed.join(', ') : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  throw new ConfigError(`${key} must be ${allowed.length > 3 ? 'one of ' : ''}${list}, got "${raw}"`);
}

/** pino's levels, and `silent`. */
export const LOG_LEVELS = [...Object.keys(pino.levels.values), 'silent'];

/**
 * Whether `raw` is a URL of one of `schemes` (`//` and an authority, parsed as the clients parse it).
 * The value itself is never put in a message: it may hold a password.
 */
function urlWithScheme(raw: string, schemes: readonly string[]): boolean {
  if (!schemes.some((scheme) => raw.toLowerCase().startsWith(`${scheme}://`))) return false;
  return URL.canParse(raw);
}

/** A PostgreSQL connection URL, or a ConfigError that names `what` but never repeats the value. */
export function postgresUrl(raw: string, what: string): string {
  if (urlWithScheme(raw, ['postgres', 'postgresql'])) return raw;
  throw new ConfigError(`${what} must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database); the value is not repeated here, as it may hold a password`);
}

export function redisUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (urlWithScheme(raw, ['redis', 'rediss'])) return raw;
  throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL (redis://host:6379), rediss:// for TLS; the value is not repeated here, as it may hold a password');
}

/** The user name a connection URL signs in as ('' when it names none). */
export function urlUser(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/** Names the gateway quotes into SQL itself (see quoteIdent): plain lower-case, so quoting never changes them. */
const PLAIN_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function roleName(raw: string, key: string): string {
  if (!PLAIN_NAME.test(raw)) {
    throw new ConfigError(`${key} must be a plain lower-case PostgreSQL name (a-z, 0-9 and _, not starting with a digit, at most 63 characters), got "${raw}"`);
  }
  if (raw.startsWith('pg_')) throw new ConfigError(`${key}: names starting with pg_ are reserved by PostgreSQL`);
  return raw;
}

/**
 * Express `trust proxy`: `false` (default), `true`, a hop count, or comma-separated addresses and
 * subnets, checked by the parser Express itself hands them to (proxy-addr), so that a value Express
 * would throw on stops start-up here, naming the variable.
 */
export function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  try {
    proxyaddr.compile(raw.split(',').map((v) => v.trim()));
  } catch (error) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a hop count or comma-separated addresses or subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8), got "${raw}": ${(error as Error).message}`,
    );
  }
  return raw;
}
