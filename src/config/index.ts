import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL server that can hold tenant placements, by name. */
export interface ServerConfig {
  name: string;
  /** Owner connection (migrations, provisioning). */
  url: string;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  /** Worker processes serving the port (node:cluster); 1 is one process and no cluster. */
  workers: number;
  /** Unset: an embedded PostgreSQL under `dataDir` is started by the process. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  baseDomain: string;
  jwtSecret: Uint8Array;
  /** Seals stored TOTP seeds (SECRETS_ENCRYPTION_KEY). */
  secretsKey: Uint8Array;
  jwtTtlSeconds: number;
  refreshTtlSeconds: number;
  loginThrottle: { maxFailures: number; lockoutSeconds: number };
  platformAdmin: { email: string; password: string } | undefined;
  redisUrl: string | undefined;
  /** Extra servers for DATABASE tenants, besides `main` (the DATABASE_URL server). */
  extraServers: ServerConfig[];
  appRole: { name: string; password: string };
  /** Runtime pools: kept open at most, connections per pool, connections over all pools (the budget). */
  pools: { maxOpen: number; size: number; budget: number; statementTimeoutMs: number };
  migrateOnStart: boolean;
  /** Spare SCHEMA placements the gateway keeps migrated ahead of time (0: none). */
  spareSchemas: number;
  /** How long start-up waits for an unreachable database before giving up. */
  startupWaitMs: number;
  /** Days a deleted hospital's data is kept before it may be purged. */
  tenantRetentionDays: number;
  /** An operation slower than this is logged as slow (milliseconds). */
  slowOperationMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Express `trust proxy`: how client addresses are read behind a load balancer (false, true, a hop count or addresses). */
  trustProxy: boolean | number | string;
  /** Public demo requests allowed per client address per hour. */
  demoRequestsPerHour: number;
  /**
   * Request rate limits: `multiplier` scales every per-minute limit (the plan table, platform admins,
   * public mutations per address; 0 turns them off); `publicPerMinute` is the per-address base.
   */
  rateLimits: { multiplier: number; publicPerMinute: number };
  landingPage: boolean;
  introspection: boolean;
  limits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number; hideSuggestions: boolean };
  /** `requestTimeoutMs`: to receive a request; `deadlineMs`: to answer a GraphQL request once received. */
  http: { maxBodyBytes: number; requestTimeoutMs: number; deadlineMs: number };
  logLevel: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${key} must be a non-negative integer, got "${raw}"`);
  return value;
}

function positive(env: Env, key: string, fallback: number): number {
  const value = int(env, key, fallback);
  if (value === 0) throw new ConfigError(`${key} must be greater than 0`);
  return value;
}

function decimal(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${key} must be a non-negative number, got "${raw}"`);
  return value;
}

function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

/** `name=postgres://…,other=postgres://…` */
function parseServers(raw: string | undefined): ServerConfig[] {
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const url = entry.slice(at + 1).trim();
    if (at < 1 || !/^[a-z][a-z0-9_-]{0,30}$/.test(name) || !url.startsWith('postgres')) {
      throw new ConfigError(`TENANT_DATABASE_SERVERS entry "${entry}" must look like name=postgres://user@host:port/db`);
    }
    if (name === 'main') throw new ConfigError('TENANT_DATABASE_SERVERS: "main" is the DATABASE_URL server and cannot be redefined');
    return { name, url };
  });
}

/** `false` (default), `true`, a hop count, or a comma-separated list of addresses/subnets. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * What start-up warns about a `TRUST_PROXY` setting, or null. `true` trusts every hop, so Express takes
 * the left-most `X-Forwarded-For` entry, which the client writes itself: per-address limits could be
 * escaped and audited addresses forged.
 */
export function trustProxyWarning(setting: Config['trustProxy']): string | null {
  if (setting !== true) return null;
  return 'TRUST_PROXY=true takes the client address from the left-most X-Forwarded-For entry, which the client controls (per-address limits can be escaped, audited addresses forged); set the number of proxy hops or the proxies\' addresses instead';
}

/** `GATEWAY_WORKERS`: a count, or `auto` for one per CPU. */
function workerCount(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  if (raw.toLowerCase() === 'auto') return availableParallelism();
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`GATEWAY_WORKERS must be a number of processes (1 or more) or "auto", got "${raw}"`);
  return value;
}

/**
 * Counters kept in memory are per process: several workers without Redis would each allow the whole
 * per-minute limit. (The sign-in lockout and demo limits are shared through the primary instead.)
 */
function checkSharedState(workers: number, redisUrl: string | undefined, rateLimitMultiplier: number): void {
  if (workers > 1 && !redisUrl && rateLimitMultiplier > 0) {
    throw new ConfigError(
      `GATEWAY_WORKERS=${workers} needs REDIS_URL for the request rate limits (each worker would count them on its own, allowing ${workers} times the limit); ` +
        'set REDIS_URL, or RATE_LIMIT_MULTIPLIER=0 to turn the per-minute limits off',
    );
  }
}

/** Development keeps a generated secret under the data directory so tokens survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * The key that seals stored TOTP seeds (32 bytes, base64). Required in production, so that it is
 * kept and rotated on its own; elsewhere it defaults to one derived from the JWT secret.
 */
function secretsEncryptionKey(value: string | undefined, jwtSecret: string, production: boolean): Uint8Array {
  if (!value) {
    if (production) throw new ConfigError('SECRETS_ENCRYPTION_KEY is required when NODE_ENV=production (32 random bytes, base64: openssl rand -base64 32)');
    return new Uint8Array(hkdfSync('sha256', jwtSecret, '', 'sovereign secrets key', 32));
  }
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError('SECRETS_ENCRYPTION_KEY must be 32 bytes, base64 (openssl rand -base64 32)');
  return new Uint8Array(key);
}

/** Runtime pool bounds; the connection budget defaults to every pool full, and must fit one pool. */
function poolLimits(env: Env): Config['pools'] {
  const maxOpen = positive(env, 'DB_MAX_OPEN_POOLS', 20);
  const size = positive(env, 'DB_POOL_SIZE', 10);
  const budget = int(env, 'DB_CONNECTION_BUDGET', maxOpen * size);
  if (budget < size) throw new ConfigError(`DB_CONNECTION_BUDGET (${budget}) must be at least DB_POOL_SIZE (${size}): one pool must fit`);
  return { maxOpen, size, budget, statementTimeoutMs: int(env, 'STATEMENT_TIMEOUT_MS', 5_000) };
}

/** The only reader of the environment: validates once and fails fast with a useful message. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = nodeEnv === 'production';
  const dataDir = env.DATA_DIR || join(process.cwd(), '.data');

  let secret = env.JWT_SECRET;
  if (!secret && production) throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
  if (secret && secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  secret ??= developmentSecret(dataDir);

  const secretsKey = secretsEncryptionKey(env.SECRETS_ENCRYPTION_KEY, secret, production);

  const appPassword = env.APP_DB_PASSWORD;
  if (!appPassword && production) throw new ConfigError('APP_DB_PASSWORD is required when NODE_ENV=production');

  const adminEmail = env.PLATFORM_ADMIN_EMAIL;
  const adminPassword = env.PLATFORM_ADMIN_PASSWORD;
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new ConfigError('PLATFORM_ADMIN_EMAIL and PLATFORM_ADMIN_PASSWORD must be set together');
  }

  const baseDomain = (env.BASE_DOMAIN || 'localhost').toLowerCase();
  const workers = workerCount(env.GATEWAY_WORKERS);
  const redisUrl = env.REDIS_URL || undefined;
  const rateLimitMultiplier = decimal(env, 'RATE_LIMIT_MULTIPLIER', 1);
  checkSharedState(workers, redisUrl, rateLimitMultiplier);
  return {
    env: nodeEnv,
    port: int(env, 'PORT', 4000),
    workers,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329),
    baseDomain,
    jwtSecret: new TextEncoder().encode(secret),
    secretsKey,
    jwtTtlSeconds: positive(env, 'JWT_TTL_SECONDS', 900),
    refreshTtlSeconds: positive(env, 'REFRESH_TOKEN_TTL_SECONDS', 14 * 86_400),
    loginThrottle: { maxFailures: positive(env, 'LOGIN_MAX_FAILURES', 5), lockoutSeconds: positive(env, 'LOGIN_LOCKOUT_SECONDS', 900) },
    platformAdmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    redisUrl,
    extraServers: parseServers(env.TENANT_DATABASE_SERVERS),
    appRole: { name: env.APP_DB_ROLE || 'sovereign_app', password: appPassword || 'sovereign_app_dev' },
    pools: poolLimits(env),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
    // Tests opt in: a stock built in the background would make SCHEMA provisioning differ run to run.
    spareSchemas: int(env, 'SPARE_SCHEMAS', nodeEnv === 'test' ? 0 : 2),
    startupWaitMs: int(env, 'STARTUP_DB_WAIT_MS', 120_000),
    tenantRetentionDays: int(env, 'TENANT_RETENTION_DAYS', 30),
    slowOperationMs: int(env, 'SLOW_OPERATION_MS', 1000),
    metricsToken: env.METRICS_TOKEN || undefined,
    trustProxy: trustProxy(env.TRUST_PROXY),
    demoRequestsPerHour: int(env, 'DEMO_REQUESTS_PER_HOUR', 5),
    rateLimits: { multiplier: rateLimitMultiplier, publicPerMinute: int(env, 'RATE_LIMIT_PUBLIC_PER_MINUTE', 120) },
    landingPage: bool(env, 'GRAPHQL_LANDING_PAGE', !production),
    introspection: bool(env, 'GRAPHQL_INTROSPECTION', !production),
    limits: {
      maxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 10),
      maxAliases: int(env, 'GRAPHQL_MAX_ALIASES', 15),
      maxDirectives: int(env, 'GRAPHQL_MAX_DIRECTIVES', 10),
      maxTokens: int(env, 'GRAPHQL_MAX_TOKENS', 2_000),
      maxCost: int(env, 'GRAPHQL_MAX_COST', 5_000),
      hideSuggestions: bool(env, 'GRAPHQL_HIDE_SUGGESTIONS', production),
    },
    http: {
      maxBodyBytes: int(env, 'MAX_BODY_BYTES', 100_000),
      requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000),
      deadlineMs: positive(env, 'REQUEST_DEADLINE_MS', 30_000),
    },
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
  };
}
