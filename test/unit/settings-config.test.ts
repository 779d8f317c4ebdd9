import { ConfigError, loadConfig } from '../../src/config';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };

/** The message loadConfig refuses `env` with (on top of `base`), or 'accepted'. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
    return 'accepted';
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}

describe('NODE_ENV', () => {
  it.each(['development', 'production', 'test'])('takes %s', (value) => {
    const production = { APP_DB_PASSWORD: 'p', SECRETS_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };
    expect(loadConfig({ ...base, ...production, NODE_ENV: value }).env).toBe(value);
  });

  it('runs as development when unset or empty', () => {
    expect(loadConfig({ ...base, NODE_ENV: undefined }).env).toBe('development');
    expect(loadConfig({ ...base, NODE_ENV: '' }).env).toBe('development');
  });

  it.each(['prod', 'Production', 'PRODUCTION', 'staging', 'dev'])('refuses %s, naming the values it knows', (value) => {
    expect(refusal({ NODE_ENV: value })).toBe(`NODE_ENV must be development, production or test, got "${value}"`);
  });
});

describe('connection settings', () => {
  it.each(['postgres://owner:secret@db.example:5432/sovereign', 'postgresql://owner@127.0.0.1/sovereign', 'postgres:///sovereign?host=/var/run/postgresql'])(
    'takes DATABASE_URL=%s',
    (url) => {
      expect(loadConfig({ ...base, DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  it.each(['notaurl', 'mysql://owner:secret@db/sovereign', 'postgres:sovereign', 'postgres://owner:secret@db:70000/sovereign', 'http://db/sovereign'])(
    'refuses DATABASE_URL=%s without repeating it (it may hold a password)',
    (url) => {
      const message = refusal({ DATABASE_URL: url });
      expect(message).toMatch(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(message).not.toContain(url);
    },
  );

  it('refuses a TENANT_DATABASE_SERVERS URL by its server name, without repeating it', () => {
    const message = refusal({ TENANT_DATABASE_SERVERS: 'eu=mysql://owner:secret@db/x' });
    expect(message).toMatch(/^TENANT_DATABASE_SERVERS: server "eu" must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).not.toContain('secret');
  });

  it.each([
    ['the same name twice', 'east=postgres://owner@east-1/postgres,east=postgres://owner@east-2/postgres', 'TENANT_DATABASE_SERVERS: server "east" is named twice; each server needs a name of its own'],
    ['the name of the DATABASE_URL server', 'main=postgres://owner@other/postgres', 'TENANT_DATABASE_SERVERS: "main" is the DATABASE_URL server and cannot be redefined'],
  ])('refuses TENANT_DATABASE_SERVERS giving %s', (_what, servers, message) => {
    expect(refusal({ TENANT_DATABASE_SERVERS: servers })).toBe(message);
  });

  it('takes servers of different names', () => {
    expect(loadConfig({ ...base, TENANT_DATABASE_SERVERS: 'east=postgres://o@e/postgres,west=postgres://o@w/postgres' }).extraServers.map((s) => s.name)).toEqual(['east', 'west']);
  });

  it.each(['redis://127.0.0.1:6379', 'rediss://:secret@cache.example:6380/2'])('takes REDIS_URL=%s', (url) => {
    expect(loadConfig({ ...base, REDIS_URL: url }).redisUrl).toBe(url);
  });

  it.each(['notaurl', 'http://cache:6379', 'redis:cache', 'redis://cache:99999'])('refuses REDIS_URL=%s', (url) => {
    expect(refusal({ REDIS_URL: url })).toMatch(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL \(redis:\/\/host:6379\)/);
  });

  it.each(['sovereign_app', '_app', 'app2'])('takes APP_DB_ROLE=%s', (role) => {
    expect(loadConfig({ ...base, APP_DB_ROLE: role }).appRole.name).toBe(role);
  });

  it.each(['bad"role', 'App', '2app', 'app-role', 'a'.repeat(64), 'app role'])('refuses APP_DB_ROLE=%s', (role) => {
    expect(refusal({ APP_DB_ROLE: role })).toBe(
      `APP_DB_ROLE must be a plain lower-case PostgreSQL name (a-z, 0-9 and _, not starting with a digit, at most 63 characters), got "${role}"`,
    );
  });

  it('refuses an APP_DB_ROLE reserved by PostgreSQL, or the owner role of a server (the gateway would strip its rights)', () => {
    expect(refusal({ APP_DB_ROLE: 'pg_app' })).toBe('APP_DB_ROLE: names starting with pg_ are reserved by PostgreSQL');
    expect(refusal({ APP_DB_ROLE: 'owner', DATABASE_URL: 'postgres://owner@db/sovereign' })).toBe(
      'APP_DB_ROLE must not be the role DATABASE_URL signs in as ("owner"): the runtime role loses every right the gateway does not grant it',
    );
    expect(refusal({ APP_DB_ROLE: 'eu_owner', TENANT_DATABASE_SERVERS: 'eu=postgres://eu_owner@db/postgres' })).toMatch(/^APP_DB_ROLE must not be the role TENANT_DATABASE_SERVERS \(eu\) signs in as/);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 192.168.1.1', '10.0.0.0/8, 192.168.1.1'],
    ['loopback,uniquelocal,fc00::/7', 'loopback,uniquelocal,fc00::/7'],
  ])('takes %s', (value, setting) => {
    expect(loadConfig({ ...base, TRUST_PROXY: value }).trustProxy).toEqual(setting);
  });

  it.each(['garbage', '10.0.0.0/99', '1.2.3', 'loopback,,nope'])('refuses %s with what Express would have thrown', (value) => {
    expect(refusal({ TRUST_PROXY: value })).toMatch(
      new RegExp(`^TRUST_PROXY must be true, false, a hop count or comma-separated addresses or subnets \\(loopback, linklocal, uniquelocal, 10\\.0\\.0\\.0/8\\), got "${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": invalid`),
    );
  });
});

describe('LOG_LEVEL', () => {
  it.each(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])('takes %s', (level) => {
    expect(loadConfig({ ...base, LOG_LEVEL: level }).logLevel).toBe(level);
  });

  it.each(['bogus', 'INFO', 'warning'])('refuses %s, naming the levels', (level) => {
    expect(refusal({ LOG_LEVEL: level })).toBe(`LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "${level}"`);
  });
});

describe('numeric settings', () => {
  it.each(['PORT', 'EMBEDDED_PG_PORT'])('takes %s from 1 to 65535 and refuses anything else', (key) => {
    expect(refusal({ [key]: '65535' })).toBe('accepted');
    expect(refusal({ [key]: '1' })).toBe('accepted');
    for (const value of ['0', '65536', '70000', '-1', '80.5', 'http']) {
      expect(refusal({ [key]: value })).toBe(`${key} must be a whole number from 1 to 65535, got "${value}"`);
    }
  });

  it.each(['STATEMENT_TIMEOUT_MS', 'STARTUP_DB_WAIT_MS', 'SLOW_OPERATION_MS', 'REQUEST_TIMEOUT_MS', 'REQUEST_DEADLINE_MS'])(
    'refuses %s past what a timer holds (2147483647 ms), where Node would fire it at once',
    (key) => {
      expect(refusal({ [key]: '2147483647' })).toBe('accepted');
      expect(refusal({ [key]: '2147483648' })).toMatch(new RegExp(`^${key} must be a whole number from [01] to 2147483647, got "2147483648"$`));
    },
  );

  it('refuses a lockout longer than a timer holds, and a retention a date cannot hold', () => {
    expect(refusal({ LOGIN_LOCKOUT_SECONDS: '2147484' })).toBe('LOGIN_LOCKOUT_SECONDS must be a whole number from 1 to 2147483, got "2147484"');
    expect(refusal({ TENANT_RETENTION_DAYS: '36501' })).toBe('TENANT_RETENTION_DAYS must be a whole number from 0 to 36500, got "36501"');
  });

  it.each([
    'JWT_TTL_SECONDS', 'REFRESH_TOKEN_TTL_SECONDS', 'LOGIN_MAX_FAILURES', 'DB_MAX_OPEN_POOLS', 'DB_POOL_SIZE', 'DB_CONNECTION_BUDGET', 'SPARE_SCHEMAS',
    'DEMO_REQUESTS_PER_HOUR', 'RATE_LIMIT_PUBLIC_PER_MINUTE', 'GRAPHQL_MAX_DEPTH', 'GRAPHQL_MAX_ALIASES', 'GRAPHQL_MAX_DIRECTIVES', 'GRAPHQL_MAX_TOKENS',
    'GRAPHQL_MAX_COST', 'MAX_BODY_BYTES',
  ])('refuses %s written other than in decimal digits, or past 2147483647', (key) => {
    for (const value of ['1e3', '0x10', '12abc', '99999999999999999999']) {
      expect(refusal({ [key]: value })).toMatch(new RegExp(`^${key} must be a whole number from [01] to 2147483647, got "${value}"$`));
    }
  });
});

describe('DEMO_REQUESTS_PER_HOUR', () => {
  it('takes 0, which turns public demo requests off', () => {
    expect(loadConfig({ ...base, DEMO_REQUESTS_PER_HOUR: '0' }).demoRequestsPerHour).toBe(0);
  });
});
