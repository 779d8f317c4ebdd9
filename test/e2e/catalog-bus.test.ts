import { Client } from 'pg';
import { MeDocument } from './generated/graphql';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { errorCode } from '../fixtures/gateway';
import { GatewayProcess } from '../fixtures/gateway-process';
import { LISTENER_NAME } from '../../src/tenancy/resolution/catalog-listener';
import { withinASecond } from '../fixtures/within';

/**
 * The built gateway as its own process, without REDIS_URL, and the operator CLI beside it: a catalog
 * change made by the CLI reaches the running gateway through PostgreSQL (LISTEN/NOTIFY on the main
 * database), not when its cached entry expires.
 */
describe('catalog changes without Redis: a running gateway and the CLI', () => {
  let gw: GatewayProcess;
  let hospital: { id: string; slug: string; token: string };
  const database = () => new URL(gw.databaseUrl).pathname.slice(1);
  const me = () => gw.gql(MeDocument, {}, hospital);
  const cli = async (...args: string[]) => expect((await runCli(gw.databaseUrl, args)).code).toBe(0);

  /** The process ids of the gateway's listening connections. */
  const listeners = async () =>
    (await ownerQuery<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and application_name = $2', [database(), LISTENER_NAME])).map((r) => r.pid);

  async function untilListening(other: number[] = []): Promise<number[]> {
    for (let n = 0; n < 200; n += 1) {
      const now = (await listeners()).filter((pid) => !other.includes(pid));
      if (now.length > 0) return now;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the gateway is not listening');
  }

  beforeAll(async () => {
    gw = await GatewayProcess.start({});
    hospital = await gw.createTenant({ slug: 'bus-served' });
  }, 240_000);
  afterAll(() => gw?.stop());

  it('refuses, within a second, a hospital the CLI suspended while the gateway had it cached', async () => {
    expect((await me()).data?.me?.tenant?.slug).toBe('bus-served');
    await cli('suspend-tenant', 'bus-served');
    expect(await withinASecond(async () => errorCode(await me()) === 'TENANT_SUSPENDED')).toBe(true);
    await cli('resume-tenant', 'bus-served');
    expect(await withinASecond(async () => (await me()).errors === undefined)).toBe(true);
  });

  it('listens again after its connection is terminated, and hears a later change', async () => {
    const [before] = await untilListening();
    expect((await me()).errors).toBeUndefined(); // cached as active
    await ownerQuery('select pg_terminate_backend($1)', [before]);
    await untilListening([before!]);
    await cli('suspend-tenant', 'bus-served');
    expect(await withinASecond(async () => errorCode(await me()) === 'TENANT_SUSPENDED')).toBe(true);
    await cli('resume-tenant', 'bus-served');
    expect(await withinASecond(async () => (await me()).errors === undefined)).toBe(true);
  });

  it('drops its whole cache when it listens again, since it may have missed changes meanwhile', async () => {
    const [before] = await untilListening();
    expect((await me()).errors).toBeUndefined(); // cached as active
    const catalog = new Client({ connectionString: gw.databaseUrl }); // opened before connections are disallowed
    await catalog.connect();
    const allowConnections = (allow: boolean) => ownerQuery(`alter database "${database()}" with allow_connections ${allow}`);
    try {
      // No new connection to the database until the change is made: the listener cannot be back before it.
      await allowConnections(false);
      await ownerQuery('select pg_terminate_backend($1)', [before]);
      // Changed without a notification, as if it had been sent while the listener was away.
      await catalog.query("update catalog.tenants set status = 'SUSPENDED' where slug = $1", ['bus-served']);
    } finally {
      await allowConnections(true);
      await catalog.end();
    }
    await untilListening([before!]);
    expect(await withinASecond(async () => errorCode(await me()) === 'TENANT_SUSPENDED')).toBe(true);
  });
});
