import { randomUUID } from 'node:crypto';
import { parse, type TypedQueryDocumentNode } from 'graphql';
import { DEMO_PASSWORD, seedDemoHospital } from '../../src/modules/demo/demo-seed';
import { Patient } from '../../src/modules/patients/patient.entity';
import { User } from '../../src/modules/users/user.entity';
import { Isolation, PlacementSql, runInTenant } from '../../src/tenancy';
import { TestGateway, type GqlResult } from '../fixtures/gateway';

/** Four instants in one millisecond, a tenth of it apart, earliest first. */
const SAME_MILLISECOND = [100, 200, 300, 400].map((micros) => `2031-03-10T08:00:00.123${micros}Z`);

interface Rows {
  patientId: string;
  clinicianId: string;
}

/**
 * Every list ordered by an instant: its table (in the hospital's placement, or the catalog's), the
 * instant's column, the other columns a row needs, and the list's arguments besides the page.
 */
const LISTS: Record<string, { table: string; instant: string; columns: (rows: Rows, n: number) => Record<string, unknown>; args?: string; platform?: true }> = {
  apiKeys: { table: 'api_keys', instant: 'created_at', columns: (_, n) => ({ name: `same millisecond ${n}`, role: 'NURSE', secret_hash: `same-millisecond-${n}` }) },
  appointments: {
    table: 'appointments', instant: 'starts_at',
    // Cancelled, so the double-booking rule leaves them be.
    columns: (rows) => ({ patient_id: rows.patientId, clinician_id: rows.clinicianId, status: 'CANCELLED', ends_at: '2031-03-10T08:30:00Z' }),
  },
  'appointments (newest first)': {
    table: 'appointments', instant: 'starts_at', args: 'sort: STARTS_AT_DESC',
    columns: (rows) => ({ patient_id: rows.patientId, clinician_id: rows.clinicianId, status: 'CANCELLED', ends_at: '2031-03-10T08:30:00Z' }),
  },
  auditLog: { table: 'audit_log', instant: 'at', columns: () => ({ actor_kind: 'anonymous', operation: 'sameMillisecond', operation_type: 'query', outcome: 'SUCCESS' }) },
  demoRequests: { table: 'demo_requests', instant: 'created_at', platform: true, columns: (_, n) => ({ hospital_name: `Same Millisecond ${n}`, contact_name: 'Casey', email: `same-${n}@demo.test` }) },
  encounters: { table: 'encounters', instant: 'started_at', args: 'patientId: $patientId', columns: (rows) => ({ patient_id: rows.patientId, clinician_id: rows.clinicianId }) },
  invoices: { table: 'invoices', instant: 'created_at', columns: (rows, n) => ({ patient_id: rows.patientId, number: `SAME-MS-${n}-${randomUUID()}`, currency: 'GBP' }) },
  labOrders: { table: 'lab_orders', instant: 'ordered_at', columns: (rows) => ({ patient_id: rows.patientId, ordered_by_id: rows.clinicianId, test_code: 'CBC', test_name: 'Full blood count' }) },
  vitals: { table: 'vitals', instant: 'recorded_at', args: 'patientId: $patientId', columns: (rows) => ({ patient_id: rows.patientId, recorded_by_id: rows.clinicianId, heart_rate: 70 }) },
};

interface IdPage {
  totalCount: number;
  edges: { node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
type Variables = { after?: string | null; first: number; patientId: string };

/** `insert into <table> (id, [tenant_id,] …, <instant>) values (…, ?)`: the instant is the last value, given as text (to the microsecond). */
function insertSql(table: string, instant: string, columns: Record<string, unknown>, tenantId?: string): { text: string; params: unknown[] } {
  const values: Record<string, unknown> = { id: randomUUID(), ...(tenantId ? { tenant_id: tenantId } : {}), ...columns };
  const names = [...Object.keys(values), instant];
  return { text: `insert into ${table} (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`, params: [...Object.values(values)] };
}

/**
 * Rows whose sort instants differ only past the millisecond, as a database default (`now()`), an
 * imported archive or any statement not written by the gateway can give them: a cursor holds its
 * row's instant as JSON writes a Date, to the millisecond, so paging must not depend on the rest.
 */
describe('lists ordered by an instant, across rows in one millisecond', () => {
  let gw: TestGateway;
  let platform: string;
  let hospital: { slug: string; token: string };
  let rows: Rows;
  /** Per list, the ids of its rows in one millisecond. */
  const inserted = new Map<string, string[]>();

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
    const slug = 'same-millisecond';
    await seedDemoHospital(gw.tenancy, { slug, isolation: Isolation.SCHEMA, patients: 2, seed: 5 });
    hospital = { slug, token: await gw.login(`admin@${slug}.example`, DEMO_PASSWORD, slug) };
    const tenant = (await gw.tenancy.store.bySlug(slug))!;
    await runInTenant(gw.tenancy.pools, tenant, async (em) => {
      rows = { patientId: (await em.findOneOrFail(Patient, {})).id, clinicianId: (await em.findOneOrFail(User, {})).id };
      const sql = new PlacementSql(em);
      for (const [list, { table, instant, columns, platform: central }] of Object.entries(LISTS)) {
        if (central) continue;
        const qualified = `"${em.schema}"."${table}"`;
        inserted.set(list, []);
        for (const [n, at] of SAME_MILLISECOND.entries()) {
          const insert = insertSql(qualified, instant, columns(rows, n), sql.tenantId);
          await sql.rows(insert.text, [...insert.params, at]);
          inserted.get(list)!.push(insert.params[0] as string);
        }
      }
    });
    const central = gw.tenancy.central.em.fork().getConnection();
    const { table, instant, columns } = LISTS.demoRequests!;
    inserted.set('demoRequests', []);
    for (const [n, at] of SAME_MILLISECOND.entries()) {
      const insert = insertSql(`catalog."${table}"`, instant, columns(rows, n));
      await central.execute(insert.text, [...insert.params, at]);
      inserted.get('demoRequests')!.push(insert.params[0] as string);
    }
  }, 120_000);
  afterAll(() => gw.stop());

  function page(list: string, first: number, after: string | null): Promise<GqlResult<Record<string, IdPage>>> {
    const { args, platform: central } = LISTS[list]!;
    const field = list.split(' ')[0]!;
    const patient = args?.includes('$patientId') ? ', $patientId: ID!' : '';
    const query = parse(`query ($after: String, $first: Int!${patient}) {
      list: ${field}(after: $after, first: $first${args ? `, ${args}` : ''}) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }
    }`) as TypedQueryDocumentNode<Record<string, IdPage>, Variables>;
    return gw.gql(query, { after, first, patientId: rows.patientId }, central ? { token: platform } : hospital);
  }

  /** The ids of `list`, `first` rows a page, following each page's endCursor (at most a few pages more than it holds rows). */
  async function walk(list: string, first: number): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = Infinity;
    do {
      const result: GqlResult<Record<string, IdPage>> = await page(list, first, after);
      expect([list, result.errors]).toEqual([list, undefined]);
      const connection = result.data!.list!;
      pages = Math.min(pages, connection.totalCount + 5) - 1;
      ids.push(...connection.edges.map((edge) => edge.node.id));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after && pages > 0);
    return ids;
  }

  it.each(Object.keys(LISTS))('gives every row of %s once, one row a page, in the order of one page holding them all', async (list) => {
    const ours = (ids: string[]) => ids.filter((id) => inserted.get(list)!.includes(id));
    const all = ours(await walk(list, 100));
    expect([...all].sort()).toEqual([...inserted.get(list)!].sort());
    expect(ours(await walk(list, 1))).toEqual(all);
  });
});
