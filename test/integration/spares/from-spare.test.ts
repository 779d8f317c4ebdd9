import { Client } from 'pg';
import { PatientDocument, PatientsDocument, TenantsDocument } from '../../e2e/generated/graphql';
import { runCli } from '../../fixtures/cli';
import { ownerQuery } from '../../fixtures/database';
import { TestGateway } from '../../fixtures/gateway';
import { addPatient } from '../../fixtures/staff';

type Hospital = { slug: string; token: string };

describe('a SCHEMA hospital provisioned from a spare', () => {
  let gw: TestGateway;
  let spares: string[];
  let a: Hospital;
  let b: Hospital;
  let bPatient: string;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const schemaOf = async (slug: string) =>
    (await ownerQuery<{ schema_name: string }>('select schema_name from catalog.tenants where slug = $1', [slug], db()))[0]!.schema_name;
  const idOf = async (slug: string) => (await gw.tenancy.store.bySlug(slug))!.id;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.tenancy.spares.fill(2);
    spares = await gw.tenancy.spares.ready();
    a = await gw.createTenant({ slug: 'spare-a', isolation: 'SCHEMA' });
    b = await gw.createTenant({ slug: 'spare-b', isolation: 'SCHEMA' });
    await gw.createTenant({ slug: 'fresh-c', isolation: 'SCHEMA' }); // the stock is empty by now: migrated on the request path
    await addPatient(gw, a, 'Ashford');
    bPatient = await addPatient(gw, b, 'Brennan');
  }, 60_000);
  afterAll(() => gw.stop());

  /** True when the placement's migrations were applied before the hospital existed (it was a spare). */
  async function migratedAhead(slug: string): Promise<boolean> {
    const schema = await schemaOf(slug);
    const [row] = await ownerQuery<{ ahead: boolean }>(
      `select (select min(applied_at) from "${schema}".sovereign_migrations) < t.created_at as ahead from catalog.tenants t where t.slug = $1`, [slug], db());
    return row!.ahead;
  }

  it('takes a spare’s place: the spare’s schema becomes the hospital’s and the stock is used up', async () => {
    expect(spares).toHaveLength(2);
    expect(await gw.tenancy.spares.ready()).toEqual([]);
    const left = await ownerQuery('select nspname from pg_namespace where nspname = any($1)', [spares], db());
    expect(left).toEqual([]);
    expect([await migratedAhead('spare-a'), await migratedAhead('spare-b'), await migratedAhead('fresh-c')]).toEqual([true, true, false]);
  });

  it('keeps no trace of the spare’s name in any definition of the placement', async () => {
    const schema = await schemaOf('spare-a');
    const definitions = await ownerQuery<{ def: string }>(
      `select pg_get_functiondef(p.oid) || coalesce(array_to_string(p.proconfig, ' '), '') as def from pg_proc p where p.pronamespace = $1::regnamespace
       union all select pg_get_constraintdef(c.oid) from pg_constraint c where c.connamespace = $1::regnamespace
       union all select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indrelid where c.relnamespace = $1::regnamespace
       union all select pg_get_triggerdef(t.oid) from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relnamespace = $1::regnamespace
       union all select concat(pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) from pg_policy p join pg_class c on c.oid = p.polrelid where c.relnamespace = $1::regnamespace
       union all select pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d join pg_class c on c.oid = d.adrelid where c.relnamespace = $1::regnamespace`,
      [schema], db());
    expect(definitions.length).toBeGreaterThan(50);
    expect(definitions.filter((d) => /spare_/.test(d.def))).toEqual([]);
    expect(definitions.filter((d) => d.def.includes(`search_path=${schema}`))).toHaveLength(1); // enter_request's fixed path
  });

  it('is exactly what the doctor expects of a freshly migrated placement', async () => {
    const reports = await gw.tenancy.doctor();
    expect(reports.map((r) => r.label)).toEqual(['(shared)', 'fresh-c', 'spare-a', 'spare-b']);
    expect(reports.flatMap((r) => r.problems.map((p) => `${r.label}: ${p.message}`))).toEqual([]);
  });

  it('gives the runtime role the grants and row-level security of a freshly migrated placement', async () => {
    const walls = async (slug: string) =>
      ownerQuery(
        `select c.relname, c.relrowsecurity, c.relforcerowsecurity,
                array(select p from unnest(array['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
                       where has_table_privilege('sovereign_app', c.oid, p)) as privileges
           from pg_class c where c.relnamespace = $1::regnamespace and c.relkind = 'r' order by c.relname`,
        [await schemaOf(slug)], db());
    const fresh = await walls('fresh-c');
    expect(fresh.length).toBeGreaterThan(20);
    expect(await walls('spare-a')).toEqual(fresh);
    expect(fresh.find((t) => t.relname === 'audit_log')).toMatchObject({ relforcerowsecurity: true, privileges: ['SELECT', 'INSERT'] });
  });

  it('shows A none of B’s patients, through the gateway or to raw SQL as the runtime role', async () => {
    const list = await gw.gql(PatientsDocument, { first: 100 }, a);
    expect(list.data?.patients.edges.map((e) => e.node.lastName)).toEqual(['Ashford']);
    expect((await gw.gql(PatientDocument, { id: bPatient }, a)).data?.patient).toBeNull();

    const runtime = new Client({ connectionString: gw.tenancy.servers.runtimeUrl('main', gw.tenancy.servers.mainDatabase) });
    await runtime.connect();
    try {
      await runtime.query('begin');
      await runtime.query("select set_config('app.tenant_id', $1, true)", [await idOf('spare-a')]);
      const seen = async (slug: string) => (await runtime.query(`select last_name from "${await schemaOf(slug)}".patients`)).rows.map((r) => r.last_name);
      expect([await seen('spare-a'), await seen('spare-b')]).toEqual([['Ashford'], []]);
      await runtime.query('rollback');
    } finally {
      await runtime.end();
    }
  });

  it('is taken by the operator CLI as well, and no spare is ever listed, migrated or counted as a hospital', async () => {
    await gw.tenancy.spares.fill(2);
    const created = await runCli(gw.databaseUrl, ['create-tenant', '--slug', 'cli-spare', '--name', 'CLI Spare', '--isolation', 'schema', '--admin-email', 'boss@cli-spare.test']);
    expect(created.code).toBe(0);
    expect(await migratedAhead('cli-spare')).toBe(true);
    expect(await gw.tenancy.spares.ready()).toHaveLength(1);

    const listed = await gw.gql(TenantsDocument, { first: 50 }, { token: await gw.platformToken() });
    expect(listed.data?.tenants.edges.map((e) => e.node.slug)).toEqual(['cli-spare', 'fresh-c', 'spare-a', 'spare-b']);
    const report = await gw.tenancy.migrate();
    expect({ tenants: report.tenants, skipped: report.skipped }).toEqual({ tenants: [], skipped: 4 });
    expect(await gw.tenancy.migrationStatus()).toEqual([]);
    expect((await gw.tenancy.doctor()).map((r) => r.label)).toEqual(['(shared)', 'cli-spare', 'fresh-c', 'spare-a', 'spare-b']);
    const cliList = await runCli(gw.databaseUrl, ['list-tenants', '--json']);
    expect(cliList.stdout).not.toMatch(/spare_/);
  });
});
