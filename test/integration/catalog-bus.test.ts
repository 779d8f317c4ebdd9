import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { MeDocument } from '../e2e/generated/graphql';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { FaultProxy } from '../fixtures/fault-proxy';
import { TEST_REDIS_URL } from '../fixtures/redis';
import { LISTENER_NAME } from '../../src/tenancy/resolution/catalog-listener';
import { withinASecond } from '../fixtures/within';

const databaseOf = (gw: TestGateway) => new URL(gw.databaseUrl).pathname.slice(1);

/** The listening connections open in `gw`'s main database, once the server has seen every close. */
async function listenersOf(gw: TestGateway, expected: number): Promise<number> {
  let count = -1;
  for (let n = 0; n < 40 && count !== expected; n += 1) {
    if (n > 0) await new Promise((r) => setTimeout(r, 50));
    const [row] = await ownerQuery<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2', [databaseOf(gw), LISTENER_NAME]);
    count = row!.n;
  }
  return count;
}

/** Gateways without REDIS_URL: catalog changes travel by LISTEN/NOTIFY in the main database. */
describe('catalog invalidation bus without Redis', () => {
  let one: TestGateway;
  let other: TestGateway;

  beforeAll(async () => {
    one = await TestGateway.start();
    other = await TestGateway.start();
  });
  afterAll(async () => {
    await other?.stop();
    await one?.stop();
  });

  it('holds one listening connection per gateway process', async () => {
    expect(await listenersOf(one, 1)).toBe(1);
  });

  it('does not carry a change to a gateway of another deployment (another main database)', async () => {
    const hospital = await one.createTenant({ slug: 'bus-deployment' });
    const heardHere = jest.spyOn(one.tenancy.store, 'dropLocal');
    const heardThere = jest.spyOn(other.tenancy.store, 'dropLocal');
    const clearedThere = jest.spyOn(other.tenancy.store, 'clear');
    try {
      expect((await runCli(one.databaseUrl, ['suspend-tenant', 'bus-deployment'])).code).toBe(0);
      for (let n = 0; n < 50 && heardHere.mock.calls.length === 0; n += 1) await new Promise((r) => setTimeout(r, 20));
      expect(heardHere).toHaveBeenCalledWith(hospital.id);
      await new Promise((r) => setTimeout(r, 300)); // time enough for a leak to arrive
      expect(heardThere).not.toHaveBeenCalled();
      expect(clearedThere).not.toHaveBeenCalled();
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('closes its listening connection when it stops', async () => {
    const gw = await TestGateway.start();
    expect(await listenersOf(gw, 1)).toBe(1);
    await gw.stop();
    expect(await listenersOf(gw, 0)).toBe(0);
  });
});

/** Processes of one deployment configured with and without REDIS_URL: catalog changes reach them all the same. */
describe('catalog changes whatever each process was configured with', () => {
  let withRedis: TestGateway;
  let withoutRedis: TestGateway;
  let hospital: { id: string; slug: string; token: string };
  const lines: { level: number; msg: string }[] = [];
  const codes = async () => Promise.all([withRedis, withoutRedis].map(async (gw) => errorCode(await gw.gql(MeDocument, {}, hospital)) ?? 'served'));
  const cli = async (args: string[], env: Record<string, string> = {}) => (await runCli(withRedis.databaseUrl, args, env)).code;

  beforeAll(async () => {
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    withRedis = await TestGateway.start({ REDIS_URL: TEST_REDIS_URL }, undefined, logger);
    withoutRedis = await TestGateway.start({}, withRedis.databaseUrl);
    hospital = await withRedis.createTenant({ slug: 'bus-mixed' });
  });
  afterAll(async () => {
    await withoutRedis?.stop();
    await withRedis?.stop();
  });

  it('reach a gateway with REDIS_URL from a command without it, and one without it from a command with it, within a second', async () => {
    expect(await codes()).toEqual(['served', 'served']); // cached by both
    expect(await cli(['suspend-tenant', 'bus-mixed'])).toBe(0);
    expect(await withinASecond(async () => (await codes()).every((c) => c === 'TENANT_SUSPENDED'))).toBe(true);
    expect(await cli(['resume-tenant', 'bus-mixed'], { REDIS_URL: TEST_REDIS_URL })).toBe(0);
    expect(await withinASecond(async () => (await codes()).every((c) => c === 'served'))).toBe(true);
  });

  it.each([
    ['refuses connections', async () => ({ url: 'redis://127.0.0.1:1', close: async () => undefined })],
    ['accepts connections and answers nothing', async () => {
      const proxy = await FaultProxy.start(TEST_REDIS_URL);
      void proxy.silenceNew();
      return { url: proxy.via(TEST_REDIS_URL), close: () => proxy.close() };
    }],
  ])('let a command do its work when its Redis %s, and its change still reaches every gateway within a second', async (_what, unreachable) => {
    const redis = await unreachable();
    try {
      expect(await codes()).toEqual(['served', 'served']);
      expect(await cli(['suspend-tenant', 'bus-mixed'], { REDIS_URL: redis.url })).toBe(0);
      expect(await withinASecond(async () => (await codes()).every((c) => c === 'TENANT_SUSPENDED'))).toBe(true);
      expect(await cli(['resume-tenant', 'bus-mixed'], { REDIS_URL: redis.url })).toBe(0);
      expect(await withinASecond(async () => (await codes()).every((c) => c === 'served'))).toBe(true);
    } finally {
      await redis.close();
    }
  });

  it('logs once when the listening connection is lost and once when it listens again', async () => {
    lines.length = 0;
    const database = new URL(withRedis.databaseUrl).pathname.slice(1);
    const listening = () => ownerQuery<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and application_name = $2', [database, LISTENER_NAME]);
    const before = (await listening()).map((r) => r.pid);
    await ownerQuery('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [before]);
    const logged = (msg: RegExp) => lines.filter((l) => msg.test(l.msg)).map((l) => l.level);
    for (let n = 0; n < 200 && logged(/^catalog listener back/).length < 1; n += 1) await new Promise((r) => setTimeout(r, 25));
    expect(logged(/^catalog listener lost/)).toEqual([40]); // warn
    expect(logged(/^catalog listener back/)).toEqual([30]); // info
  });
});
