import { Client } from 'pg';
import { CreatePatientDocument, PatientDocument, PatientsDocument, UpdatePatientDocument } from './generated/graphql';
import { ownerQuery } from '../fixtures/database';
import { errorCode, TestGateway } from '../fixtures/gateway';

/**
 * A request that cannot finish by REQUEST_DEADLINE_MS is answered REQUEST_TIMEOUT (504), rolled back,
 * and its connection goes back to the pool clean. The slow request is a real one: the test holds a
 * lock that the request's statement has to wait for. The statement timeout is set far above the
 * deadline, so only the deadline's cap can cancel the waiting statement while the lock is held.
 */
describe('request deadline', () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };
  let patientId: string;
  let locker: Client;
  const database = () => new URL(gw.databaseUrl).pathname.slice(1);

  beforeAll(async () => {
    // Set up through a replica with the default deadline (provisioning on a busy machine may take a while).
    const setup = await TestGateway.start();
    try {
      hospital = await setup.createTenant({ slug: 'deadline' });
      const created = await setup.gql(CreatePatientDocument, { input: { firstName: 'Ada', lastName: 'Slow', birthDate: '1980-01-01' } }, hospital);
      patientId = created.data!.createPatient.id;
    } finally {
      await setup.stop();
    }
    gw = await TestGateway.start({ REQUEST_DEADLINE_MS: '1500', STATEMENT_TIMEOUT_MS: '120000', DB_POOL_SIZE: '1' }, setup.databaseUrl);
  });
  afterAll(() => gw.stop());

  beforeEach(async () => {
    locker = new Client({ connectionString: gw.databaseUrl });
    await locker.connect();
    await locker.query('begin');
  });
  afterEach(() => locker.end());

  /** Runtime connections of this gateway still busy: waiting on a lock, running, or idle inside a transaction. */
  // Asked on a connection of its own: inside the locker's transaction the statistics would stay frozen.
  async function busyRuntimeConnections(): Promise<number> {
    const rows = await ownerQuery<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and usename = 'sovereign_app' and state <> 'idle'", [database()]);
    return rows[0]!.n;
  }

  async function untilPoolIsClean(): Promise<number> {
    const deadline = Date.now() + 10_000; // far below the 120 s statement timeout: only the deadline's cap frees it
    let busy = await busyRuntimeConnections();
    while (busy > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      busy = await busyRuntimeConnections();
    }
    return busy;
  }

  it('answers a mutation stuck behind a row lock with REQUEST_TIMEOUT (504) and keeps nothing of it', async () => {
    await locker.query('select id from tenants_shared.patients where id = $1 for update', [patientId]);
    const update = await gw.gql(UpdatePatientDocument, { id: patientId, input: { lastName: 'Changed' } }, hospital);
    expect(update.status).toBe(504);
    expect(errorCode(update)).toBe('REQUEST_TIMEOUT');
    expect(update.data ?? null).toBeNull();
    expect(JSON.stringify(update)).not.toMatch(/\bat \w+ \(|node_modules/);

    expect(await untilPoolIsClean()).toBe(0); // cancelled while the lock is still held, and rolled back
    await locker.query('commit');

    const after = await gw.gql(PatientDocument, { id: patientId }, hospital);
    expect(after.status).toBe(200);
    expect(after.data?.patient?.lastName).toBe('Slow');
  });

  it('answers a query stuck behind a table lock with REQUEST_TIMEOUT, and the single pooled connection serves the next requests', async () => {
    await locker.query('lock table tenants_shared.patients in access exclusive mode');
    const list = await gw.gql(PatientsDocument, {}, hospital);
    expect(list.status).toBe(504);
    expect(errorCode(list)).toBe('REQUEST_TIMEOUT');
    expect(await untilPoolIsClean()).toBe(0);
    await locker.query('commit');

    for (let i = 0; i < 3; i++) {
      const next = await gw.gql(PatientsDocument, {}, hospital);
      expect(next.errors).toBeUndefined();
      expect(next.data?.patients.totalCount).toBe(1);
    }
    expect(await busyRuntimeConnections()).toBe(0);
  });

  it('commits a write that finishes on time', async () => {
    const update = await gw.gql(UpdatePatientDocument, { id: patientId, input: { firstName: 'Quick' } }, hospital);
    expect(update.errors).toBeUndefined();
    expect((await gw.gql(PatientDocument, { id: patientId }, hospital)).data?.patient?.firstName).toBe('Quick');
  });
});
