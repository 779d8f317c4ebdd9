import { Tenancy } from '../../src/tenancy';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { Migration9001VisitNotes, openNextRelease } from '../fixtures/next-release';

describe('tenant migrations across placements', () => {
  let gw: TestGateway;
  let next: Tenancy;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'mig-shared' });
    await gw.createTenant({ slug: 'mig-schema-ok', isolation: 'SCHEMA' });
    await gw.createTenant({ slug: 'mig-schema-bad', isolation: 'SCHEMA' });
    await gw.createTenant({ slug: 'mig-database', isolation: 'DATABASE' });
    // The next release: one more tenant migration.
    next = await openNextRelease(gw.databaseUrl, Migration9001VisitNotes);
  }, 60_000);
  afterAll(async () => {
    await next.close();
    await gw.stop();
  });

  const schemaOf = async (slug: string) =>
    (await ownerQuery<{ schema_name: string; database_name: string }>('select schema_name, database_name from catalog.tenants where slug = $1', [slug], db()))[0]!;

  it('applies a new migration everywhere, goes on past a failing tenant, and a rerun resumes', async () => {
    const bad = await schemaOf('mig-schema-bad');
    await ownerQuery(`create table ${bad.schema_name}.visit_notes (x int)`, [], db());

    const progress: string[] = [];
    const first = await next.migrate((r, done, total) => progress.push(`${done}/${total} ${r.slug}`));
    expect(first.shared).toEqual(['Migration9001VisitNotes']);
    expect(first.failed).toBe(1);
    expect(first.tenants.find((t) => t.slug === 'mig-schema-bad')?.error).toMatch(/already exists/);
    expect(first.tenants.filter((t) => !t.error).map((t) => t.slug).sort()).toEqual(['mig-database', 'mig-schema-ok']);
    expect(progress).toHaveLength(3);

    const database = await schemaOf('mig-database');
    const [inDatabase] = await ownerQuery<{ n: number }>("select count(*)::int as n from information_schema.tables where table_schema = 'tenant' and table_name = 'visit_notes'", [], database.database_name);
    expect(inDatabase!.n).toBe(1);

    await ownerQuery(`drop table ${bad.schema_name}.visit_notes`, [], db());
    const second = await next.migrate();
    expect(second.failed).toBe(0);
    expect(second.tenants.map((t) => [t.slug, t.applied])).toEqual([['mig-schema-bad', ['Migration9001VisitNotes']]]);
    expect(second.skipped).toBe(2);
  });

  it('skips tenants already at the latest migration without touching them', async () => {
    const report = await next.migrate();
    expect(report).toMatchObject({ catalog: [], shared: [], tenants: [], failed: 0, skipped: 3 });
  });
});
