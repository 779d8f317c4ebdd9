import { PatientOverviewDocument } from '../e2e/generated/graphql';
import { Patient } from '../../src/modules/patients/patient.entity';
import { runInTenant } from '../../src/tenancy';
import { TestGateway } from '../fixtures/gateway';
import { watchStatements } from '../fixtures/statements';

/** pg's own bookkeeping of a connection: the statement it runs and those queued behind it. */
type Busy = { _queryQueue: unknown[]; _getActiveQuery(): unknown };

/**
 * For every statement node-postgres is handed while `fn` runs, how many statements that connection
 * was already holding (running or queued). node-postgres deprecates handing a statement to a
 * connection that is still busy (pg 9 drops its queue), and warns once it holds two.
 */
async function busyAtSubmit(fn: () => Promise<unknown>): Promise<number[]> {
  const busy: number[] = [];
  await watchStatements(fn, (connection) => {
    const state = connection as unknown as Busy;
    busy.push(state._queryQueue.length + (state._getActiveQuery() ? 1 : 0));
  });
  return busy;
}

describe('one statement at a time on each connection', () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'one-at-a-time', plan: 'ENTERPRISE' });
  });
  afterAll(() => gw.stop());

  it('sends statements made at once inside one transaction one after another, in the order they were made', async () => {
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    let answers: number[] = [];
    const busy = await busyAtSubmit(() =>
      runInTenant(gw.tenancy.pools, tenant, async (em) => {
        const conn = em.getConnection();
        const ctx = em.getTransactionContext();
        const rows = await Promise.all([1, 2, 3, 4, 5].map((n) => conn.execute<{ n: number }[]>('select ?::int as n, pg_sleep(0.01)', [n], 'all', ctx)));
        answers = rows.map((r) => r[0]!.n);
      }),
    );
    expect(answers).toEqual([1, 2, 3, 4, 5]);
    expect(busy.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...busy)).toBe(0);
  });

  it('answers a request whose fields read at once (appointments, lab results, invoices) without a busy connection', async () => {
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    await runInTenant(gw.tenancy.pools, tenant, async (em) => {
      em.create(Patient, { firstName: 'Ada', lastName: 'Overview', birthDate: '1980-01-01', mrn: 'OAT-1' } as Patient);
      await em.flush();
    });
    const busy = await busyAtSubmit(async () => {
      const res = await gw.gql(PatientOverviewDocument, { first: 5 }, hospital);
      expect(res.errors).toBeUndefined();
    });
    expect(busy.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...busy)).toBe(0);
  });
});
