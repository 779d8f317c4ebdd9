import { Isolation } from '../../../src/tenancy';
import { derivePlacement } from '../../../src/tenancy/placement';
import { PatientsDocument } from '../../e2e/generated/graphql';
import { ownerQuery } from '../../fixtures/database';
import { TestGateway } from '../../fixtures/gateway';
import { runCli } from '../../fixtures/operator-cli';
import { catalogEntry, dbName, dumpHospital, seedHospital } from '../../fixtures/transfer';

/**
 * `move-tenant` failing to create its target leaves the hospital where it was and nothing behind: no
 * target placement, no record of the move that the next attempt would have to wait for. (Stopped by a
 * signal: test/e2e/cli-move-signals.test.ts.)
 */
describe('move-tenant failing to create its target', () => {
  let gw: TestGateway;
  let n = 0;
  const DOWN = { TENANT_DATABASE_SERVERS: 'down=postgres://postgres@127.0.0.1:1/postgres' };

  beforeAll(async () => {
    gw = await TestGateway.start(DOWN);
  });
  afterAll(() => gw.stop());

  async function hospital() {
    const h = await gw.createTenant({ slug: `failed-target-${(n += 1)}`, isolation: 'SCHEMA' });
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

  it('leaves nothing behind when its target cannot be created, and the next move goes ahead at once', async () => {
    const h = await hospital();
    const failed = await runCli(gw.databaseUrl, ['move-tenant', h.slug, '--to', 'DATABASE', '--server', 'down'], DOWN);
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/database server down \(127\.0\.0\.1:1\) unreachable/);
    await expectNothingLeft(h);
    expect((await runCli(gw.databaseUrl, ['move-tenant', h.slug, '--to', 'DATABASE'], DOWN)).code).toBe(0);
  });
});
