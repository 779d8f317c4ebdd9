import { Client } from 'pg';
import { Patient } from '../../src/modules/patients/patient.entity';
import { runInTenant, type TenantRecord } from '../../src/tenancy';
import { SHARED_SCHEMA } from '../../src/tenancy/placement';
import { TestGateway } from '../fixtures/gateway';

describe('row-level security under SHARED tables', () => {
  let gw: TestGateway;
  let a: TenantRecord;
  let runtimeUrl: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'rls-a' });
    await gw.createTenant({ slug: 'rls-b' });
    a = (await gw.tenancy.store.bySlug('rls-a'))!;
    const b = (await gw.tenancy.store.bySlug('rls-b'))!;
    for (const [tenant, name] of [[a, 'Ames'], [b, 'Bell']] as const) {
      await runInTenant(gw.tenancy.pools, tenant, async (em) => {
        em.create(Patient, { mrn: 'M-1', firstName: 'P', lastName: name, birthDate: '1980-01-01' } as Patient);
        await em.flush();
      });
    }
    runtimeUrl = gw.tenancy.servers.runtimeUrl('main', gw.tenancy.servers.mainDatabase);
  });
  afterAll(() => gw.stop());

  async function asRuntimeRole<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: runtimeUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  it('returns none of B’s rows with the ORM filter switched off', async () => {
    const names = await runInTenant(gw.tenancy.pools, a, async (em) =>
      (await em.find(Patient, {}, { filters: false })).map((p) => p.lastName),
    );
    expect(names).toEqual(['Ames']);
  });

  it('returns none of B’s rows to raw SQL inside A’s transaction', async () => {
    const rows = await runInTenant(gw.tenancy.pools, a, (em) =>
      em.getConnection().execute(`select last_name from ${SHARED_SCHEMA}.patients`, [], 'all', em.getTransactionContext()),
    );
    expect(rows).toEqual([{ last_name: 'Ames' }]);
  });

  it('returns no rows at all when no tenant is set', async () => {
    const { rows } = await asRuntimeRole((c) => c.query(`select count(*)::int as n from ${SHARED_SCHEMA}.patients`));
    expect(rows[0].n).toBe(0);
  });

  it('forgets the tenant when the transaction ends, so a pooled connection does not leak it', async () => {
    const rows = await asRuntimeRole(async (c) => {
      await c.query('begin');
      await c.query("select set_config('app.tenant_id', $1, true)", [a.id]);
      const inside = await c.query(`select count(*)::int as n from ${SHARED_SCHEMA}.patients`);
      await c.query('commit');
      const after = await c.query(`select count(*)::int as n from ${SHARED_SCHEMA}.patients`);
      return [inside.rows[0].n, after.rows[0].n];
    });
    expect(rows).toEqual([1, 0]);
  });

  it('runs requests as a role that owns no table and cannot bypass row-level security', async () => {
    const { rows } = await asRuntimeRole((c) =>
      c.query(`select r.rolsuper, r.rolbypassrls,
                      (select count(*)::int from pg_tables where tableowner = current_user) as owned
                 from pg_roles r where r.rolname = current_user`),
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('cannot read the catalog as the runtime role', async () => {
    await expect(asRuntimeRole((c) => c.query('select * from catalog.tenants'))).rejects.toThrow(/permission denied/);
  });

  it('fails closed: a fork with no tenant bound refuses to query', async () => {
    const lease = await gw.tenancy.pools.acquire(a.placement);
    try {
      const em = lease.orm.em.fork({ schema: SHARED_SCHEMA });
      await expect(em.find(Patient, {})).rejects.toThrow(/tenant/);
    } finally {
      lease.release();
    }
  });

  it('has row-level security enabled and forced on every shared table', async () => {
    const rows = await asRuntimeRole((c) =>
      c.query(`select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = $1 and c.relkind = 'r' and c.relname <> 'sovereign_migrations' order by 1`, [SHARED_SCHEMA]),
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const row of rows.rows) expect(row).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });
});

describe('row-level security under SCHEMA placements', () => {
  it('returns nothing of B even when a query names B’s schema explicitly', async () => {
    const gw = await TestGateway.start();
    try {
      await gw.createTenant({ slug: 'own-schema-a', isolation: 'SCHEMA' });
      await gw.createTenant({ slug: 'own-schema-b', isolation: 'SCHEMA' });
      const a = (await gw.tenancy.store.bySlug('own-schema-a'))!;
      const b = (await gw.tenancy.store.bySlug('own-schema-b'))!;
      await runInTenant(gw.tenancy.pools, b, async (em) => {
        em.create(Patient, { mrn: 'B-1', firstName: 'B', lastName: 'Bell', birthDate: '1980-01-01' } as Patient);
        await em.flush();
      });
      const found = await runInTenant(gw.tenancy.pools, a, (em) => em.find(Patient, {}, { schema: b.placement.schema, filters: false }));
      expect(found).toEqual([]);
    } finally {
      await gw.stop();
    }
  });
});
