import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createTestDatabase, ownerQuery, testServerUrl } from '../fixtures/database';
import { TEST_GATEWAY_ENV } from '../fixtures/gateway';

describe('start-up', () => {
  /** A log that keeps its lines, and the gateway's start on `databaseUrl` with it: how it ended and how long it took. */
  async function startOn(databaseUrl: string, env: Record<string, string>) {
    const lines: { msg: string }[] = [];
    const logger = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    const started = Date.now();
    const error = await createApp(loadConfig({ ...TEST_GATEWAY_ENV, ...env }), databaseUrl, { logger }).then(
      async (app) => (await app.stop(), undefined),
      (e: unknown) => e,
    );
    return { error, ms: Date.now() - started, retries: lines.filter((l) => l.msg === 'database not reachable yet; retrying').length };
  }

  it.each([
    ['a database that does not exist', { pathname: '/sovereign_no_such_database' }, /^DATABASE_URL: database "sovereign_no_such_database" does not exist \(SQL state 3D000\)/],
    ['a role that does not exist', { username: 'sovereign_no_such_role' }, /^DATABASE_URL: role "sovereign_no_such_role" does not exist \(SQL state 28000\)/],
  ])('refuses %s at once, as a configuration error naming DATABASE_URL, rather than waiting for it', async (_what, change, message) => {
    const url = Object.assign(new URL(testServerUrl()), change);
    const { error, ms, retries } = await startOn(url.toString(), { DATABASE_URL: url.toString(), STARTUP_DB_WAIT_MS: '30000' });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect({ retries, quick: ms < 5_000 }).toEqual({ retries: 0, quick: true });
  });

  it('waits for a server that does not answer, saying so, and gives up after the configured wait with the connection error', async () => {
    const url = Object.assign(new URL(testServerUrl()), { port: '1' });
    const { error, retries } = await startOn(url.toString(), { STARTUP_DB_WAIT_MS: '1000' });
    expect(error).not.toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/ECONNREFUSED/);
    expect(retries).toBeGreaterThan(1);
  });

  it('warns at start-up that TRUST_PROXY=true trusts the client-written X-Forwarded-For, and not for a hop count', async () => {
    const url = await createTestDatabase();
    const warnings = async (trustProxy: string) => {
      const lines: { msg: string; TRUST_PROXY?: unknown }[] = [];
      const logger = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
      const app = await createApp(loadConfig({ ...TEST_GATEWAY_ENV, TRUST_PROXY: trustProxy }), url, { logger });
      await app.stop();
      return lines.filter((l) => /TRUST_PROXY/.test(l.msg));
    };
    const [warning, ...more] = await warnings('true');
    expect(more).toHaveLength(0);
    expect(warning).toMatchObject({ TRUST_PROXY: true, msg: expect.stringMatching(/X-Forwarded-For.*hops/) });
    expect(await warnings('1')).toEqual([]);
  });

  it('waits for Redis saying so, and leaves no database connection or Redis client behind after each attempt', async () => {
    const url = await createTestDatabase();
    // A "Redis" that hangs up on every connection: each one is an attempt of a client still trying.
    let attempts = 0;
    const redis = createServer((socket) => (attempts++, socket.destroy()));
    await new Promise<void>((resolve) => redis.listen(0, '127.0.0.1', resolve));
    const lines: { msg: string; err?: string }[] = [];
    const logger = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    const config = loadConfig({ ...TEST_GATEWAY_ENV, REDIS_URL: `redis://127.0.0.1:${(redis.address() as AddressInfo).port}`, STARTUP_DB_WAIT_MS: '1500' });
    try {
      await expect(createApp(config, url, { logger })).rejects.toThrow(/^Redis \(REDIS_URL\) not reachable/);
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.every((l) => l.msg === 'Redis not reachable yet; retrying')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 200)); // a connection already on its way when it gave up
      const afterGivingUp = attempts;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(attempts).toBe(afterGivingUp);
      const open = await ownerQuery('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()', [], new URL(url).pathname.slice(1));
      expect(open).toHaveLength(0);
    } finally {
      await new Promise((resolve) => redis.close(resolve));
    }
  });
});
