import { runInTenant } from '../../src/tenancy';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { CreatePatientDocument, PatientsDocument } from '../e2e/generated/graphql';

describe('doctor', () => {
  let gw: TestGateway;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const placement = async (slug: string) =>
    (await ownerQuery<{ schema_name: string; database_name: string }>('select schema_name, database_name from catalog.tenants where slug = $1', [slug], db()))[0]!;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'doc-shared' });
    await gw.createTenant({ slug: 'doc-schema', isolation: 'SCHEMA' });
    await gw.createTenant({ slug: 'doc-db', isolation: 'DATABASE' });
  });
  afterAll(() => gw.stop());

  it('finds every placement healthy after provisioning', async () => {
    const reports = await gw.tenancy.doctor();
    expect(reports.map((r) => [r.label, r.problems.map((p) => p.message)])).toEqual([['(shared)', []], ['doc-db', []], ['doc-schema', []]]);
    const result = await runCli(gw.databaseUrl, ['doctor']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/3 placement\(s\) checked: 3 healthy, 0 with problems/);
  });

  it('finds a dropped table and a disabled policy, and --fix repairs both', async () => {
    const p = await placement('doc-schema');
    await ownerQuery(`drop table ${p.schema_name}.audit_log`, [], db());
    await ownerQuery(`alter table ${p.schema_name}.patients disable row level security`, [], db());
    await ownerQuery(`drop policy tenant_isolation on ${p.schema_name}.users`, [], db());

    const check = await runCli(gw.databaseUrl, ['doctor', '--tenant', 'doc-schema']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/FIXABLE\s+table audit_log is missing/);
    expect(check.stdout).toMatch(/FIXABLE\s+row-level security is disabled on patients/);
    expect(check.stdout).toMatch(/FIXABLE\s+policy tenant_isolation on users is missing/);

    const fixed = await runCli(gw.databaseUrl, ['doctor', '--tenant', 'doc-schema', '--fix']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/FIXED\s+table audit_log is missing/);
    expect((await gw.tenancy.doctor({ tenant: 'doc-schema' }))[0]!.problems).toEqual([]);

    // The repaired placement works again and its walls hold: the re-created audit trail is append-only.
    const hospital = { slug: 'doc-schema', token: await gw.login('admin@doc-schema.test', 'hospital-admin-password', 'doc-schema') };
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'A', lastName: 'B', birthDate: '1990-01-01', mrn: 'DOC-1' } }, hospital);
    expect(created.errors).toBeUndefined();
    const record = (await gw.tenancy.store.bySlug('doc-schema'))!;
    await expect(runInTenant(gw.tenancy.pools, record, (em) => em.getConnection().execute(`delete from ${p.schema_name}.audit_log`, [], 'run', em.getTransactionContext()))).rejects.toThrow(/permission denied/);
    const [rls] = await ownerQuery<{ rls: boolean; forced: boolean }>(`select relrowsecurity as rls, relforcerowsecurity as forced from pg_class where oid = '${p.schema_name}.patients'::regclass`, [], db());
    expect(rls).toEqual({ rls: true, forced: true });
  });

  it('finds unforced security, a disabled trigger, revoked and excess grants in a DATABASE placement, and repairs them', async () => {
    const p = await placement('doc-db');
    await ownerQuery('alter table tenant.users no force row level security', [], p.database_name);
    await ownerQuery('alter table tenant.audit_log disable trigger audit_log_append_only', [], p.database_name);
    await ownerQuery('revoke insert on tenant.patients from sovereign_app', [], p.database_name);
    await ownerQuery('grant update, delete on tenant.audit_log to sovereign_app', [], p.database_name);
    const [report] = await gw.tenancy.doctor({ tenant: 'doc-db' });
    expect(report!.problems.map((x) => x.code).sort()).toEqual(['grants-differ', 'grants-differ', 'rls-not-forced', 'trigger-disabled']);
    const [after] = await gw.tenancy.doctor({ tenant: 'doc-db', fix: true });
    expect(after!.remaining).toEqual([]);
    expect(after!.fixed).toHaveLength(4);
  });

  it('reports what is unsafe to repair and leaves it alone', async () => {
    const p = await placement('doc-schema');
    await ownerQuery(`create table ${p.schema_name}.stray (x int)`, [], db());
    await ownerQuery(`alter table ${p.schema_name}.users alter column display_name type varchar(80)`, [], db());
    const result = await runCli(gw.databaseUrl, ['doctor', '--tenant', 'doc-schema', '--fix']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/PROBLEM\s+table stray is not in the migrations \(left alone\)/);
    expect(result.stdout).toMatch(/PROBLEM\s+column users.display_name is character varying\(80\) not null, the migrations say text not null/);
    expect(await ownerQuery(`select 1 from information_schema.tables where table_schema = $1 and table_name = 'stray'`, [p.schema_name], db())).toHaveLength(1);
    await ownerQuery(`drop table ${p.schema_name}.stray`, [], db());
    await ownerQuery(`alter table ${p.schema_name}.users alter column display_name type text`, [], db());
  });

  it('finds an instant kept to the microsecond that the migrations keep to the millisecond, and --fix cuts it as the migration does', async () => {
    const p = await placement('doc-schema');
    const tenant = (await ownerQuery<{ id: string }>('select id from catalog.tenants where slug = $1', ['doc-schema'], db()))[0]!.id;
    await ownerQuery(`alter table ${p.schema_name}.audit_log alter column at type timestamptz`, [], db());
    await ownerQuery(`insert into ${p.schema_name}.audit_log (id, tenant_id, at, actor_kind, operation, operation_type, outcome)
                      values (gen_random_uuid(), $1, '2031-03-10T08:00:00.123999Z', 'anonymous', 'doctorInstant', 'query', 'SUCCESS')`, [tenant], db());
    const check = await runCli(gw.databaseUrl, ['doctor', '--tenant', 'doc-schema']);
    expect(check.stdout).toMatch(/FIXABLE\s+column audit_log.at keeps microseconds, the migrations keep milliseconds/);
    const [report] = await gw.tenancy.doctor({ tenant: 'doc-schema', fix: true });
    expect([report!.remaining, report!.failures]).toEqual([[], []]);
    const at = await ownerQuery(`select to_char(at at time zone 'UTC', 'HH24:MI:SS.US') as t from ${p.schema_name}.audit_log where operation = 'doctorInstant'`, [], db());
    expect(at).toEqual([{ t: '08:00:00.123000' }]);
  });

  it('re-applies migrations to a placement that is behind and checks the shared schema for a SHARED hospital', async () => {
    const p = await placement('doc-schema');
    await ownerQuery(`delete from ${p.schema_name}.sovereign_migrations where name = 'Migration0003Audit'`, [], db());
    await ownerQuery(`drop table ${p.schema_name}.audit_log`, [], db());
    await ownerQuery(`drop function ${p.schema_name}.audit_log_append_only`, [], db());
    const [report] = await gw.tenancy.doctor({ tenant: 'doc-schema', fix: true });
    expect(report!.problems.map((x) => x.code)).toContain('migrations-behind');
    expect(report!.remaining).toEqual([]);
    expect(report!.failures).toEqual([]);
    const shared = await gw.tenancy.doctor({ tenant: 'doc-shared' });
    expect(shared.map((r) => r.label)).toEqual(['doc-shared (shared)']);
    const list = await gw.gql(PatientsDocument, {}, { slug: 'doc-schema', token: await gw.login('admin@doc-schema.test', 'hospital-admin-password', 'doc-schema') });
    expect(list.data?.patients.totalCount).toBe(1);
  });
});
