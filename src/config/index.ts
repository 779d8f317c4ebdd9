import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { bool, ConfigError, decimal, int, INT32_MAX, LOG_LEVELS, oneOf, port, positive, postgresUrl, redisUrl, roleName, trustProxy, urlUser, type Env } from './values';

export { ConfigError } from './values';
export { startUpWarnings } from './warnings';

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
  /**
   * Runtime pools: kept open at most, connections per pool, connections over all pools (the budget),
   * and how long a new connection may take to be answered (connectTimeoutMs).
   */
  pools: { maxOpen: number; size: number; budget: number; statementTimeoutMs: number; connectTimeoutMs: number };
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
  /** Public demo requests allowed per client address per hour; 0 takes none (requestDemo is refused). */
  demoRequestsPerHour: number;
  /**
   * Request rate limits: `multiplier` scales every per-minute limit (the plan table, platform admins,
   * public mutations per address; 0 turns them off); `publicPerMinute` is the per-address base.
   */
  rateLimits: { multiplier: number; publicPerMinute: number };
  landingPage: boolean;
  introspection: boolean;
  limits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number; hideSuggestions: boolean };
  /**
   * `requestTimeoutMs`: to receive a request; `deadlineMs`: to answer a GraphQL request once received;
   * `lastCallMs`: on stop, how long idle keep-alive connections stay open (src/http/last-call.ts).
   */
  http: { maxBodyBytes: number; requestTimeoutMs: number; deadlineMs: number; lastCallMs: number };
  logLevel: string;
}

/** `name=postgres://…,other=postgres://…`, each name once (a placement names its server by it). */
function parseServers(raw: string | undefined): ServerConfig[] {
  if (!raw) return [];
  const seen = new Set<string>();
  return raw.split(',').map((entry) => {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const url = entry.slice(at + 1).trim();
    if (at < 1 || !/^[a-z][a-z0-9_-]{0,30}$/.test(name)) {
      throw new ConfigError('TENANT_DATABASE_SERVERS entries must look like name=postgres://user@host:port/db, the name lower-case (a-z, 0-9, _ and -, at most 31 characters)');
    }
    if (name === 'main') throw new ConfigError('TENANT_DATABASE_SERVERS: "main" is the DATABASE_URL server and cannot be redefined');
    if (seen.has(name)) throw new ConfigError(`TENANT_DATABASE_SERVERS: server "${name}" is named twice; each server needs a name of its own`);
    seen.add(name);
    return { name, url: postgresUrl(url, `TENANT_DATABASE_SERVERS: server "${name}"`) };
  });
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
  return { maxOpen, size, budget, statementTimeoutMs: int(env, 'STATEMENT_TIMEOUT_MS', 5_000), connectTimeoutMs: positive(env, 'DB_CONNECT_TIMEOUT_MS', 5_000) };
}

/**
 * The runtime role: a name the gateway can quote into SQL, and never the role a server's URL signs in
 * as (setting it up would take that role's rights away: superuser, creating roles and databases).
 */
function appRoleName(raw: string | undefined, owners: { setting: string; url: string }[]): string {
  const name = roleName(raw || 'sovereign_app', 'APP_DB_ROLE');
  const owner = owners.find(({ url }) => urlUser(url) === name);
  if (owner) throw new ConfigError(`APP_DB_ROLE must not be the role ${owner.setting} signs in as ("${name}"): the runtime role loses every right the gateway does not grant it`);
  return name;
}

/** Settings in milliseconds stop at INT32_MAX, the longest a Node timer waits; this is that in seconds. */
const TIMER_SECONDS_MAX = Math.floor(INT32_MAX / 1000);

/** The only reader of the environment: validates once and fails fast with a useful message. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const dataDir = env.DATA_DIR || join(process.cwd(), '.data');
  const databaseUrl = env.DATABASE_URL ? postgresUrl(env.DATABASE_URL, 'DATABASE_URL') : undefined;
  const extraServers = parseServers(env.TENANT_DATABASE_SERVERS);
  const owners = [...(databaseUrl ? [{ setting: 'DATABASE_URL', url: databaseUrl }] : []), ...extraServers.map((s) => ({ setting: `TENANT_DATABASE_SERVERS (${s.name})`, url: s.url }))];
  const appRole = appRoleName(env.APP_DB_ROLE, owners);

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
  const redis = redisUrl(env.REDIS_URL);
  const rateLimitMultiplier = decimal(env, 'RATE_LIMIT_MULTIPLIER', 1);
  checkSharedState(workers, redis, rateLimitMultiplier);
  return {
    env: nodeEnv,
    port: port(env, 'PORT', 4000),
    workers,
    databaseUrl,
    dataDir,
    embeddedPgPort: port(env, 'EMBEDDED_PG_PORT', 54329),
    baseDomain,
    jwtSecret: new TextEncoder().encode(secret),
    secretsKey,
    jwtTtlSeconds: positive(env, 'JWT_TTL_SECONDS', 900),
    refreshTtlSeconds: positive(env, 'REFRESH_TOKEN_TTL_SECONDS', 14 * 86_400),
    // The lockout is timed in memory without Redis.
    loginThrottle: { maxFailures: positive(env, 'LOGIN_MAX_FAILURES', 5), lockoutSeconds: positive(env, 'LOGIN_LOCKOUT_SECONDS', 900, TIMER_SECONDS_MAX) },
    platformAdmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    redisUrl: redis,
    extraServers,
    appRole: { name: appRole, password: appPassword || 'sovereign_app_dev' },
    pools: poolLimits(env),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
    // Tests opt in: a stock built in the background would make SCHEMA provisioning differ run to run.
    spareSchemas: int(env, 'SPARE_SCHEMAS', nodeEnv === 'test' ? 0 : 2),
    startupWaitMs: int(env, 'STARTUP_DB_WAIT_MS', 120_000),
    // A hundred years: a purge date stays a date.
    tenantRetentionDays: int(env, 'TENANT_RETENTION_DAYS', 30, { max: 36_500 }),
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
      lastCallMs: int(env, 'SHUTDOWN_LAST_CALL_MS', 1_000),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
  };
}
