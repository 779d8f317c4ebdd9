import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { hospitalInEveryTable } from '../fixtures/every-table';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { catalogEntry, rowsLeft } from '../fixtures/transfer';
import { CreatePatientDocument, CreateTenantDocument, DeleteTenantLifecycleDocument, MeDocument, TenantLifecycleDocument, TenantsLifecycleDocument } from '../e2e/generated/graphql';

describe('hospital lifecycle: delete, retention, legal hold, purge', () => {
  let gw: TestGateway;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const entry = async (slug: string) => (await ownerQuery<Record<string, unknown>>('select * from catalog.tenants where slug = $1', [slug], db()))[0];

  beforeAll(async () => {
    gw = await TestGateway.start({ TENANT_RETENTION_DAYS: '7' });
  });
  afterAll(() => gw.stop());

  it('deletes softly: the hospital stops resolving at once, its data stays, purge waits for the retention period', async () => {
    const h = await gw.createTenant({ slug: 'life-soft', isolation: 'SCHEMA' });
    const platform = await gw.platformToken();
    const deleted = await gw.gql(DeleteTenantLifecycleDocument, { slug: h.slug }, { token: platform });
    const { deletedAt, purgeAfter } = deleted.data!.deleteTenant;
    expect(deleted.data!.deleteTenant.status).toBe('DELETED');
    expect(new Date(purgeAfter!).getTime() - new Date(deletedAt!).getTime()).toBe(7 * 86_400_000);
    expect(errorCode(await gw.gql(MeDocument, {}, { slug: h.slug }))).toBe('TENANT_NOT_FOUND');
    const schema = (await entry(h.slug))!.schema_name as string;
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [schema], db())).toHaveLength(1);

    await expect(gw.tenancy.lifecycle.purge(h.slug)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/retention period/) });
    expect(await entry(h.slug)).toBeDefined();
  });

  it('shows a deleted hospital by its slug, with its deletion, retention and legal hold, and lists it only when asked to', async () => {
    const h = await gw.createTenant({ slug: 'life-visible' });
    const token = await gw.platformToken();
    await gw.tenancy.lifecycle.setLegalHold(h.slug, true, 'case 2025-9');
    const deleted = (await gw.gql(DeleteTenantLifecycleDocument, { slug: h.slug }, { token })).data!.deleteTenant;
    expect(deleted).toMatchObject({ status: 'DELETED', legalHold: true, deletedAt: expect.any(String), purgeAfter: expect.any(String) });
    expect((await gw.gql(TenantLifecycleDocument, { slug: h.slug }, { token })).data?.tenant).toEqual(deleted);

    const listed = async (includeDeleted?: boolean) =>
      (await gw.gql(TenantsLifecycleDocument, { first: 100, includeDeleted }, { token })).data!.tenants.edges.map((e) => e.node).filter((n) => n.slug === h.slug);
    expect(await listed()).toEqual([]);
    expect(await listed(false)).toEqual([]);
    expect(await listed(true)).toEqual([deleted]);
    // The slug stays taken until the hospital is purged, as what tenant(slug) shows explains.
    const again = await gw.gql(CreateTenantDocument, { input: { slug: h.slug, name: 'Again', admin: { email: 'a@again.test', password: 'hospital-admin-password' } } }, { token });
    expect(errorCode(again)).toBe('CONFLICT');
  });

  it('refuses to purge a hospital that is not deleted', async () => {
    const h = await gw.createTenant({ slug: 'life-active' });
    await expect(gw.tenancy.lifecycle.purge(h.slug, { force: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await entry(h.slug))!.status).toBe('ACTIVE');
  });

  it('blocks purging under a legal hold, even forced, until the hold is released', async () => {
    const h = await gw.createTenant({ slug: 'life-held', isolation: 'SCHEMA' });
    await gw.tenancy.lifecycle.setLegalHold(h.slug, true, 'case 2024-117');
    await gw.tenancy.lifecycle.softDelete(h.slug);
    const refused = await runCli(gw.databaseUrl, ['purge-tenant', h.slug, '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`CONFLICT: Hospital "${h.slug}" is under legal hold (case 2024-117); release the hold before purging`);
    const schema = (await entry(h.slug))!.schema_name as string;
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [schema], db())).toHaveLength(1);

    expect((await runCli(gw.databaseUrl, ['legal-hold', h.slug, '--release'])).code).toBe(0);
    const purged = await runCli(gw.databaseUrl, ['purge-tenant', h.slug, '--force']);
    expect(purged.code).toBe(0);
    expect(await entry(h.slug)).toBeUndefined();
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [schema], db())).toHaveLength(0);
  });

  it.each(['SHARED', 'SCHEMA', 'DATABASE'] as const)('purges a deleted %s hospital: placement, audit trail and catalog entry, and nothing of its neighbour', async (isolation) => {
    const slug = `purge-${isolation.toLowerCase()}`;
    const h = await gw.createTenant({ slug, isolation });
    const neighbour = await gw.createTenant({ slug: `${slug}-nb`, isolation });
    for (const t of [h, neighbour]) {
      await gw.gql(CreatePatientDocument, { input: { firstName: 'P', lastName: t.slug, birthDate: '1990-01-01', mrn: 'M-1' } }, t);
    }
    const placement = (await entry(slug))! as { schema_name: string; database_name: string };
    await gw.tenancy.lifecycle.softDelete(slug);
    await gw.tenancy.lifecycle.purge(slug, { force: true });
    expect(await entry(slug)).toBeUndefined();

    if (isolation === 'DATABASE') {
      expect(await ownerQuery('select 1 from pg_database where datname = $1', [placement.database_name])).toHaveLength(0);
    } else if (isolation === 'SCHEMA') {
      expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [placement.schema_name], db())).toHaveLength(0);
    } else {
      for (const table of ['patients', 'users', 'audit_log']) {
        const rows = await ownerQuery<{ n: number }>(`select count(*)::int as n from tenants_shared.${table} where tenant_id = $1`, [h.id], db());
        expect(rows[0]!.n).toBe(0);
      }
      const kept = await ownerQuery<{ n: number }>('select count(*)::int as n from tenants_shared.audit_log where tenant_id = $1', [neighbour.id], db());
      expect(kept[0]!.n).toBeGreaterThan(0);
    }
    const theirs = await gw.gql(CreatePatientDocument, { input: { firstName: 'Q', lastName: 'Still', birthDate: '1990-01-01', mrn: 'M-2' } }, neighbour);
    expect(theirs.errors).toBeUndefined();
  });

  it.each(['SHARED', 'SCHEMA', 'DATABASE'] as const)('purges a deleted %s hospital with rows in every tenant table, an API key among them', async (isolation) => {
    const slug = `full-${isolation.toLowerCase()}`;
    const h = await hospitalInEveryTable(gw, slug, isolation);
    const placement = (await catalogEntry(gw, slug))!;
    // The system catalog in creation order, as in a database whose tables were never altered: a
    // listing of the tables then names users (a parent) before api_keys (its child).
    await ownerQuery('cluster pg_catalog.pg_class using pg_class_oid_index', [], placement.database_name);
    await gw.tenancy.lifecycle.softDelete(slug);
    const purged = await runCli(gw.databaseUrl, ['purge-tenant', slug, '--force']);
    expect({ code: purged.code, stderr: purged.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await entry(slug)).toBeUndefined();
    expect(await rowsLeft(placement.database_name, placement.schema_name, h.id)).toBe(0);
  });

  it('purges with --expired only the deleted hospitals past retention and not on hold', async () => {
    await gw.createTenant({ slug: 'exp-old' });
    await gw.createTenant({ slug: 'exp-held' });
    await gw.createTenant({ slug: 'exp-recent' });
    for (const slug of ['exp-old', 'exp-held', 'exp-recent']) await gw.tenancy.lifecycle.softDelete(slug);
    await gw.tenancy.lifecycle.setLegalHold('exp-held', true);
    await ownerQuery("update catalog.tenants set purge_after = now() - interval '1 day' where slug in ('exp-old', 'exp-held')", [], db());
    const result = await runCli(gw.databaseUrl, ['purge-tenant', '--expired']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/exp-old: purged/);
    expect(await entry('exp-old')).toBeUndefined();
    expect(await entry('exp-held')).toBeDefined();
    expect(await entry('exp-recent')).toBeDefined();
  });
});
