import type { Tenancy } from '../../src/tenancy';
import { SHARED_SCHEMA } from '../../src/tenancy/placement';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { Migration9001VisitNotes, openNextRelease } from '../fixtures/next-release';
import { dbName } from '../fixtures/transfer';

describe('two migrate runs at the same time', () => {
  let gw: TestGateway;
  let first: Tenancy;
  let second: Tenancy;

  beforeAll(async () => {
    gw = await TestGateway.start();
    for (const [slug, isolation] of [['cm-shared', 'SHARED'], ['cm-a', 'SCHEMA'], ['cm-b', 'SCHEMA'], ['cm-c', 'SCHEMA'], ['cm-db', 'DATABASE']] as const) {
      await gw.createTenant({ slug, isolation });
    }
    first = await openNextRelease(gw.databaseUrl, Migration9001VisitNotes);
    second = await openNextRelease(gw.databaseUrl, Migration9001VisitNotes);
  }, 60_000);
  afterAll(async () => {
    await first.close();
    await second.close();
    await gw.stop();
  });

  it('both succeed, one after the other, and the history records no failure or interruption', async () => {
    for (let round = 0; round < 3; round += 1) {
      const reports = await Promise.allSettled([first.migrate({ concurrency: 2 }), second.migrate({ concurrency: 2 })]);
      expect(reports.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      for (const report of reports) expect((report as PromiseFulfilledResult<Awaited<ReturnType<Tenancy['migrate']>>>).value).toMatchObject({ failed: 0, serverFailures: [] });
    }
    const runs = await ownerQuery<{ status: string; total: number; succeeded: number; failed: number }>('select status, total, succeeded, failed from catalog.migration_runs', [], dbName(gw));
    expect(runs).toEqual([{ status: 'SUCCEEDED', total: 4, succeeded: 4, failed: 0 }]);
    const states = await ownerQuery<{ status: string }>('select status from catalog.tenant_migration_state', [], dbName(gw));
    expect(states.map((s) => s.status)).toEqual(['DONE', 'DONE', 'DONE', 'DONE']);
  });

  it('grants the runtime role its access to one schema from many processes at once without a failure (replicas starting, doctor --fix)', async () => {
    const grants = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => [first, second].map((t) => t.migrator.migrate(t.central, SHARED_SCHEMA))).flat());
    expect(grants.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
  });
});
