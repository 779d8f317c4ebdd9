import { ReferenceKind, type EntityMetadata, type MikroORM } from '@mikro-orm/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { TENANT_MIGRATIONS } from '../../migrations/tenant';
import { sortKeys } from '../../src/modules/common/cursor';
import { runInTenant } from '../../src/tenancy';
import { applyMigrations } from '../../src/tenancy/migrations/runner';
import { SHARED_SCHEMA } from '../../src/tenancy/placement';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

/** How PostgreSQL names each instant type an entity may declare. */
const STORED: Record<string, string> = { timestamptz: 'timestamp with time zone', 'timestamptz(3)': 'timestamp(3) with time zone' };
const TO_THE_MILLISECOND = 'timestamp(3) with time zone';

/** An instant property of an entity: what it declares, how its placement stores it, and whether a list may be ordered by it. */
interface Instant {
  property: string;
  declared: string;
  stored: string | undefined;
  pages: boolean;
}

describe('instants stored to the millisecond', () => {
  let gw: TestGateway;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'instants' });
  });
  afterAll(() => gw.stop());

  /** Every instant property of `metas`, read against the columns of `schema` as the migrations left them. */
  async function instants(metas: EntityMetadata[], schema: string): Promise<Instant[]> {
    const columns = await ownerQuery<{ tbl: string; name: string; type: string }>(
      `select c.relname as tbl, a.attname as name, format_type(a.atttypid, a.atttypmod) as type
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and a.attnum > 0 and not a.attisdropped`, [schema], db());
    const stored = new Map(columns.map((c) => [`${c.tbl}.${c.name}`, c.type]));
    return metas.filter((meta) => !meta.abstract && !meta.embeddable).flatMap((meta) =>
      meta.props.filter((prop) => prop.kind === ReferenceKind.SCALAR && prop.columnTypes?.[0]?.startsWith('timestamptz')).map((prop) => ({
        property: `${meta.className}.${prop.name}`,
        declared: prop.columnTypes[0]!,
        stored: stored.get(`${meta.tableName}.${prop.fieldNames[0]}`),
        pages: pagesBy(meta, prop.name),
      })));
  }

  function pagesBy(meta: EntityMetadata, property: string): boolean {
    try {
      sortKeys(meta, { [property]: 'desc' });
      return true;
    } catch {
      return false;
    }
  }

  /** The instants whose column is not what the entity declares, or that a list may be ordered by though the column keeps microseconds (or the reverse). */
  const wrong = (all: Instant[]) => all.filter((i) => i.stored !== STORED[i.declared] || i.pages !== (i.stored === TO_THE_MILLISECOND));

  it('orders lists only by instants each placement stores to the millisecond, as the entities declare them', async () => {
    const tenant = (await gw.tenancy.store.bySlug('instants'))!;
    const metas = await runInTenant(gw.tenancy.pools, tenant, async (em) => Object.values(em.getMetadata().getAll()));
    const all = await instants(metas, SHARED_SCHEMA);
    expect(wrong(all)).toEqual([]);
    // The lists ordered by an instant are among them.
    expect(all.filter((i) => i.pages).map((i) => i.property).sort()).toEqual(expect.arrayContaining([
      'ApiKey.createdAt', 'Appointment.startsAt', 'AuditEntry.at', 'Encounter.startedAt', 'Invoice.createdAt', 'LabOrder.orderedAt', 'Vitals.recordedAt',
    ]));
  });

  it('orders central lists only by instants the catalog stores to the millisecond, as the entities declare them', async () => {
    const central: MikroORM = gw.tenancy.central;
    const all = await instants(Object.values(central.getMetadata().getAll()), 'catalog');
    expect(wrong(all)).toEqual([]);
    expect(all.filter((i) => i.pages).map((i) => i.property)).toContain('DemoRequest.createdAt');
  });

  /**
   * A placement written before the change, with instants past the millisecond (as a database default
   * or an imported archive gives them), upgraded: each instant is cut to the millisecond the gateway
   * showed, and a moved appointment of an archived patient is still refused.
   */
  it('cuts instants to the millisecond the gateway showed when a placement is upgraded, and still guards moved appointments', async () => {
    const schema = `instants_${randomBytes(4).toString('hex')}`;
    const upgrade = TENANT_MIGRATIONS.at(-1)!;
    const central = gw.tenancy.central;
    try {
      await applyMigrations(central, schema, TENANT_MIGRATIONS.filter((m) => m !== upgrade));
      const [tenant, user, patient, appointment] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const run = (sql: string, params: unknown[] = []) => ownerQuery(sql.replaceAll('$schema', `"${schema}"`), params, db());
      await run(`insert into $schema.users (id, tenant_id, email, password_hash, roles) values ($1, $2, 'a@b.test', 'x', '{DOCTOR}')`, [user, tenant]);
      await run(`insert into $schema.patients (id, tenant_id, mrn, first_name, last_name, birth_date) values ($1, $2, 'M-1', 'A', 'B', '1980-01-01')`, [patient, tenant]);
      await run(`insert into $schema.appointments (id, tenant_id, patient_id, clinician_id, starts_at, ends_at)
                 values ($1, $2, $3, $4, '2031-03-10T08:00:00.123999Z', '2031-03-10T08:30:00.000999Z')`, [appointment, tenant, patient, user]);
      await run(`insert into $schema.audit_log (id, tenant_id, at, actor_kind, operation, operation_type, outcome)
                 values ($1, $2, '2031-03-10T08:00:00.456789Z', 'anonymous', 'upgraded', 'query', 'SUCCESS')`, [randomUUID(), tenant]);

      expect(await applyMigrations(central, schema, TENANT_MIGRATIONS)).toEqual([upgrade.name]);

      const read = (sql: string) => run(`select to_char(${sql} at time zone 'UTC', 'HH24:MI:SS.US') as t`);
      expect(await read(`(select starts_at from $schema.appointments)`)).toEqual([{ t: '08:00:00.123000' }]);
      expect(await read(`(select ends_at from $schema.appointments)`)).toEqual([{ t: '08:30:00.000000' }]);
      expect(await read(`(select at from $schema.audit_log)`)).toEqual([{ t: '08:00:00.456000' }]);
      await run(`update $schema.patients set archived_at = now()`);
      await expect(run(`update $schema.appointments set starts_at = starts_at + interval '1 hour', ends_at = ends_at + interval '1 hour'`)).rejects.toMatchObject({ code: 'SVA01' });
    } finally {
      await ownerQuery(`drop schema if exists "${schema}" cascade`, [], db());
    }
  });
});
