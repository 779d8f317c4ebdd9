import { Isolation } from '../../../src/tenancy';
import { derivePlacement } from '../../../src/tenancy/placement';
import { PatientsDocument } from '../../e2e/generated/graphql';
import { ownerQuery, testServerUrl } from '../../fixtures/database';
import { TestGateway } from '../../fixtures/gateway';
import { untilWaitingOnLock } from '../../fixtures/locks';
import { runCli } from '../../fixtures/operator-cli';
import { catalogEntry, dbName, dumpHospital, seedHospital } from '../../fixtures/transfer';

/**
 * `move-tenant` stopped by the operator (Ctrl-C, SIGTERM, a closed terminal) or failing to create its
 * target leaves the hospital where it was and nothing behind: no target placement, no record of the
 * move that the next attempt would have to wait for.
 */
describe('move-tenant stopped or failing before its switch', () => {
  let gw: TestGateway;
  let n = 0;
  const DOWN = { TENANT_DATABASE_SERVERS: 'down=postgres://postgres@127.0.0.1:1/postgres' };

  beforeAll(async () => {
    gw = await TestGateway.start(DOWN);
  });
  afterAll(() => gw.stop());

  async function hospital() {
    const h = await gw.createTenant({ slug: `stopped-move-${(n += 1)}`, isolation: 'SCHEMA' });
    await seedHospital(gw, h, 3);
    return { ...h, before: (await catalogEntry(gw, h.slug))!, data: await dumpHospital(gw, h.slug) };
  }

  async function expectNothingLeft(h: Awaited<ReturnType<typeof hospital>>) {
    expect(await catalogEntry(gw, h.slug)).toEqual(h.before);
    expect(await dumpHospital(gw, h.slug)).toEqual(h.data);
    const target = derivePlacement(Isolation.DATABASE, h.before.id, dbName(gw));
    expect(await ownerQuery('select 1 from pg_database where datname like $1', [`${target.database}%`])).toHaveLength(0);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [h.before.id], dbName(gw))).toHaveLength(0);
    expect(await ownerQuery(`select 1 from "${h.before.schema_name}".placement_fences`, [], dbName(gw))).toHaveLength(0);
    expect((await gw.gql(PatientsDocument, {}, h)).data?.patients.totalCount).toBe(3);
  }

  it.each([['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const)('undoes the move and exits %s → %i when stopped by that signal', async (signal, code) => {
    const h = await hospital();
    // A request in flight holds the hospital: the move copies, then waits for it before its switch.
    const busy = gw.tenancy.session((await gw.tenancy.store.bySlug(h.slug))!);
    await busy.em();
    let ended = false;
    const moving = runCli(gw.databaseUrl, ['move-tenant', h.slug, '--to', 'DATABASE', '--hold-timeout', '60000'], DOWN);
    void moving.finally(() => (ended = true));
    try {
      await untilWaitingOnLock(testServerUrl(), dbName(gw), () => ended);
      process.emit(signal, signal);
    } finally {
      await busy.end(true);
    }
    const result = await moving;
    expect(result.code).toBe(code);
    expect(result.output).toContain(`stopped by ${signal}: the move was undone; ${h.slug} stays where it was (SCHEMA on main)`);
    expect(process.listenerCount(signal)).toBe(0);
    await expectNothingLeft(h);
  });

  it('says it was stopped, not that its wait for the hold timed out, when stopped while waiting', async () => {
    const h = await hospital();
    const busy = gw.tenancy.session((await gw.tenancy.store.bySlug(h.slug))!);
    await busy.em();
    try {
      let ended = false;
      const moving = runCli(gw.databaseUrl, ['move-tenant', h.slug, '--to', 'DATABASE', '--hold-timeout', '1000'], DOWN);
      void moving.finally(() => (ended = true));
      await untilWaitingOnLock(testServerUrl(), dbName(gw), () => ended);
      process.emit('SIGINT', 'SIGINT');
      const result = await moving;
      expect(result.code).toBe(130);
      expect(result.output).toContain(`stopped by SIGINT: the move was undone; ${h.slug} stays where it was (SCHEMA on main)`);
      expect(result.output).not.toMatch(/lock timeout/);
    } finally {
      await busy.end(true);
    }
    await expectNothingLeft(h);
  });

  it('quits at once on a second signal, leaving its record for the next move or purge to settle without waiting', async () => {
    const h = await hospital();
    const busy = gw.tenancy.session((await gw.tenancy.store.bySlug(h.slug))!);
    await busy.em();
    const quit = new Promise<number>((resolve) => {
      jest.spyOn(process, 'exit').mockImplementationOnce((code) => {
        resolve(Number(code));
        return undefined as never;
      });
    });
    let ended = false;
    const moving = runCli(gw.databaseUrl, ['move-tenant', h.slug, '--to', 'DATABASE', '--hold-timeout', '60000'], DOWN);
    void moving.finally(() => (ended = true));
    try {
      await untilWaitingOnLock(testServerUrl(), dbName(gw), () => ended);
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGINT', 'SIGINT');
      expect(await quit).toBe(130);
      const [claim] = await ownerQuery<{ dead: boolean }>("select heartbeat_at = '-infinity' as dead from catalog.tenant_transfers where tenant_id = $1", [h.before.id], dbName(gw));
      expect(claim).toEqual({ dead: true });
    } finally {
      await busy.end(true);
    }
    // In this test the process lives on: the stopped move undoes itself as after one signal.
    expect((await moving).code).toBe(130);
    await expectNothingLeft(h);
  });

  it('leaves nothing behind when its target cannot be created, and the next move goes ahead at once', async () => {
    const h = await hospital();
    const failed = await runCli(gw.databaseUrl, ['move-tenant', h.slug, '--to', 'DATABASE', '--server', 'down'], DOWN);
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/database server down \(127\.0\.0\.1:1\) unreachable/);
    await expectNothingLeft(h);
    expect((await runCli(gw.databaseUrl, ['move-tenant', h.slug, '--to', 'DATABASE'], DOWN)).code).toBe(0);
  });
});
