import { createTestDatabase, testServerUrl } from '../fixtures/database';
import { buildGateway, GatewayProcess } from '../fixtures/gateway-process';

/**
 * The built gateway, started with one bad setting, stops at once: exit 1 and one line on stderr,
 * `Configuration error: <VAR> …`, never a stack trace nor a wait for a database that will not come.
 */
describe('a bad setting at start-up', () => {
  let databaseUrl: string;
  beforeAll(async () => {
    await buildGateway();
    databaseUrl = await createTestDatabase();
  }, 180_000);

  const missingDatabase = () => Object.assign(new URL(testServerUrl()), { pathname: '/sovereign_never_created' }).toString();

  it.each([
    ['NODE_ENV=prod', { NODE_ENV: 'prod' }, 'NODE_ENV must be development, production or test, got "prod"'],
    ['NODE_ENV=Production', { NODE_ENV: 'Production' }, 'NODE_ENV must be development, production or test, got "Production"'],
    ['DATABASE_URL=notaurl', { DATABASE_URL: 'notaurl' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    ['a DATABASE_URL naming no database', { DATABASE_URL: missingDatabase }, 'DATABASE_URL: database "sovereign_never_created" does not exist (SQL state 3D000)'],
    ['APP_DB_ROLE=bad"role', { APP_DB_ROLE: 'bad"role' }, 'APP_DB_ROLE must be a plain lower-case PostgreSQL name'],
    ['TRUST_PROXY=garbage', { TRUST_PROXY: 'garbage' }, 'TRUST_PROXY must be true, false, a hop count or comma-separated addresses or subnets'],
    ['LOG_LEVEL=bogus', { LOG_LEVEL: 'bogus' }, 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "bogus"'],
    ['PORT=70000', { PORT: '70000' }, 'PORT must be a whole number from 1 to 65535, got "70000"'],
    ['EMBEDDED_PG_PORT=0', { EMBEDDED_PG_PORT: '0' }, 'EMBEDDED_PG_PORT must be a whole number from 1 to 65535, got "0"'],
    ['a database server named twice', { TENANT_DATABASE_SERVERS: 'east=postgres://o@127.0.0.1:1/postgres,east=postgres://o@127.0.0.1:2/postgres' }, 'TENANT_DATABASE_SERVERS: server "east" is named twice'],
    ['a database server named main', { TENANT_DATABASE_SERVERS: 'main=postgres://o@127.0.0.1:1/postgres' }, 'TENANT_DATABASE_SERVERS: "main" is the DATABASE_URL server'],
    ['REDIS_URL=notaurl', { REDIS_URL: 'notaurl' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
  ])('%s: exit 1 at once, with one line naming it', async (_what, settings, message) => {
    const env = Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, typeof value === 'function' ? value() : value]));
    const started = Date.now();
    const gateway = await GatewayProcess.spawn({ STARTUP_DB_WAIT_MS: '60000', ...env }, env.DATABASE_URL ?? databaseUrl);
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - started).toBeLessThan(15_000);
    const lines = gateway.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Configuration error: ${message}`);
  }, 60_000);
});
