import { openTenancy } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Isolation, type Tenancy } from '../../src/tenancy';
import { CreatePatientDocument, PatientDocument, PatientsDocument, UpdatePatientDocument } from '../e2e/generated/graphql';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { catalogEntry, dumpHospital, rowsLeft } from '../fixtures/transfer';

const { SHARED, SCHEMA, DATABASE } = Isolation;
const PAIRS = [[SHARED, SCHEMA], [SHARED, DATABASE], [SCHEMA, SHARED], [SCHEMA, DATABASE], [DATABASE, SHARED], [DATABASE, SCHEMA]] as const;
const WRITERS = 4;
const READERS = 3;
const AFTER_MOVE = 8;

/**
 * The move runs in its own tenancy instance, as the operator CLI would: the gateway's resolution cache
 * still names the old placement after the switch, so only the hold and the fence keep its requests
 * from being served there.
 */
describe('moving a live hospital under concurrent reads and writes', () => {
  let gw: TestGateway;
  let operator: Tenancy;

  beforeAll(async () => {
    // The clients send as fast as they can for as long as a move lasts, which depends on the machine's
    // load: the hospital's per-minute request limit is not what this test is about.
    gw = await TestGateway.start({ RATE_LIMIT_MULTIPLIER: '0' });
    operator = await openTenancy(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' }), gw.databaseUrl);
  });
  afterAll(async () => {
    await operator.close();
    await gw.stop();
  });

  async function hospitalIn(slug: string, isolation: Isolation) {
    const hospital = await gw.createTenant({ slug, isolation, plan: 'ENTERPRISE' }); // no plan limit in the way of the writers
    const first = await gw.gql(CreatePatientDocument, { input: { firstName: 'v0', lastName: 'Counter', birthDate: '1990-01-01', mrn: 'COUNTER' } }, hospital);
    return { ...hospital, counter: first.data!.createPatient.id, before: (await catalogEntry(gw, slug))! };
  }

  it.each(PAIRS)('loses no write and serves no request from the old placement when moving %s to %s', async (from, to) => {
    const hospital = await hospitalIn(`live-${from.toLowerCase()}-${to.toLowerCase()}`, from);
    const acked: { mrn: string; id: string }[] = [];
    const problems: string[] = [];
    let moved = false;
    let lastCounter = 'v0';

    const untilMovedThen = async (extra: number, step: (i: number) => Promise<void>) => {
      let after = 0;
      for (let i = 0; after < extra; i += 1) {
        if (moved) after += 1;
        await step(i);
      }
    };
    const writer = (w: number) => untilMovedThen(AFTER_MOVE, async (i) => {
      const mrn = `W${w}-${i}`;
      const result = await gw.gql(CreatePatientDocument, { input: { firstName: 'Load', lastName: `Writer${w}`, birthDate: '1990-01-01', mrn } }, hospital);
      if (result.errors) problems.push(`create ${mrn}: ${JSON.stringify(result.errors)}`);
      else acked.push({ mrn, id: result.data!.createPatient.id });
    });
    const updater = () => untilMovedThen(AFTER_MOVE, async (i) => {
      const result = await gw.gql(UpdatePatientDocument, { id: hospital.counter, input: { firstName: `v${i + 1}` } }, hospital);
      if (result.errors) problems.push(`update: ${JSON.stringify(result.errors)}`);
      else lastCounter = `v${i + 1}`;
    });
    const reader = () => untilMovedThen(AFTER_MOVE, async () => {
      const known = acked.length;
      const probe = acked[Math.floor(Math.random() * known)];
      const [list, one] = await Promise.all([
        gw.gql(PatientsDocument, { first: 1 }, hospital),
        probe ? gw.gql(PatientDocument, { id: probe.id }, hospital) : Promise.resolve(undefined),
      ]);
      if (list.errors || one?.errors) problems.push(`read: ${JSON.stringify(list.errors ?? one?.errors)}`);
      else if (list.data!.patients.totalCount < known + 1) problems.push(`a read missed acknowledged writes (${list.data!.patients.totalCount} < ${known + 1})`);
      else if (probe && one?.data?.patient?.mrn !== probe.mrn) problems.push(`a read did not find acknowledged patient ${probe.mrn}`);
    });

    const load = Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), updater(), ...Array.from({ length: READERS }, reader)]);
    const move = (async () => {
      while (acked.length < 2 * WRITERS) await new Promise((r) => setImmediate(r)); // load is running
      try {
        return await operator.transfer.move(hospital.slug, to);
      } finally {
        moved = true;
      }
    })();
    const [result] = await Promise.all([move, load]);

    expect(problems).toEqual([]);
    expect(result.cleanupError).toBeNull();
    expect((await catalogEntry(gw, hospital.slug))!.isolation).toBe(to);
    const patients = (await dumpHospital(gw, hospital.slug)).patients!.map((row) => JSON.parse(row) as { mrn: string; first_name: string });
    expect(patients.map((p) => p.mrn).sort()).toEqual(['COUNTER', ...acked.map((a) => a.mrn)].sort());
    expect(patients.find((p) => p.mrn === 'COUNTER')!.first_name).toBe(lastCounter);
    expect(await rowsLeft(hospital.before.database_name, hospital.before.schema_name, hospital.before.id).catch(() => 0)).toBe(0);
  }, 120_000);

  it.each(PAIRS)('holds a request that arrives during the final switch of %s to %s and serves it from the new placement', async (from, to) => {
    const hospital = await hospitalIn(`held-${from.toLowerCase()}-${to.toLowerCase()}`, from);
    const sourceDb = hospital.before.database_name;
    let held: Promise<Awaited<ReturnType<typeof gw.gql<unknown, unknown>>>> | undefined;
    await operator.transfer.move(hospital.slug, to, {
      afterStep: async (step) => {
        if (step !== 'verified') return;
        held = gw.gql(CreatePatientDocument, { input: { firstName: 'Held', lastName: 'Request', birthDate: '1990-01-01', mrn: 'HELD-1' } }, hospital);
        for (;;) {
          const [waiting] = await ownerQuery<{ n: number }>(
            "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = $1)", [sourceDb],
          );
          if (waiting!.n > 0) return; // the request is waiting for the hold
          await new Promise((r) => setTimeout(r, 5));
        }
      },
    });
    const response = (await held!) as { errors?: unknown; data?: { createPatient: { mrn: string } } };
    expect(response.errors).toBeUndefined();
    const mrns = (await dumpHospital(gw, hospital.slug)).patients!.map((row) => (JSON.parse(row) as { mrn: string }).mrn);
    expect(mrns.sort()).toEqual(['COUNTER', 'HELD-1']);
  });
});
