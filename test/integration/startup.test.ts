import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createTestDatabase, ownerQuery, testServerUrl } from '../fixtures/database';
import { TEST_GATEWAY_ENV, TestGateway } from '../fixtures/gateway';

describe('start-up', () => {
  it('waits for a database that is not there yet and starts once it appears', async () => {
    const name = `${process.env.SOVEREIGN_TEST_RUN}_late_${randomBytes(2).toString('hex')}`;
    const url = new URL(testServerUrl());
    url.pathname = `/${name}`;
    const starting = TestGateway.start({ STARTUP_DB_WAIT_MS: '30000' }, url.toString());
    await new Promise((r) => setTimeout(r, 1_500));
    await ownerQuery(`create database "${name}"`);
    const gw = await starting;
    try {
      expect((await fetch(`${gw.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      await gw.stop();
    }
  });

  it('gives up after the configured wait with the connection error', async () => {
    const url = new URL(testServerUrl());
    url.pathname = `/${process.env.SOVEREIGN_TEST_RUN}_never`;
    await expect(TestGateway.start({ STARTUP_DB_WAIT_MS: '500' }, url.toString())).rejects.toThrow(/does not exist/);
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
