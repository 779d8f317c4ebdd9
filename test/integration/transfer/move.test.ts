import { Appointment } from '../../../src/modules/appointments/appointment.entity';
import { Patient } from '../../../src/modules/patients/patient.entity';
import { Isolation, runInTenant } from '../../../src/tenancy';
import {
  ApiKeysDocument, ArchivePatientDocument, CreateApiKeyDocument, CreateAppointmentDocument, CreateEncounterDocument, MeDocument, PatientsDocument, PrescribeMedicationDocument,
  RecordVitalsDocument, RevokeApiKeyDocument,
} from '../../e2e/generated/graphql';
import { ownerQuery, testServerUrl } from '../../fixtures/database';
import { TestGateway } from '../../fixtures/gateway';
import { addPatient, addStaff, at } from '../../fixtures/staff';
import { catalogEntry, dbName, dumpHospital, rowsLeft, seedArchivedPatient, seedHospital, type CatalogEntry } from '../../fixtures/transfer';

const { SHARED, SCHEMA, DATABASE } = Isolation;

describe('moving a hospital between modes and servers', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    const east = new URL(testServerUrl());
    east.pathname = '/postgres';
    gw = await TestGateway.start({ TENANT_DATABASE_SERVERS: `east=${east.toString()}` });
  });
  afterAll(() => gw.stop());

  async function placementGone(before: CatalogEntry): Promise<boolean> {
    if (before.isolation === 'SHARED') return (await rowsLeft(before.database_name, before.schema_name, before.id)) === 0;
    if (before.isolation === 'SCHEMA') {
      return (await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [before.schema_name], dbName(gw))).length === 0;
    }
    return (await ownerQuery('select 1 from pg_database where datname = $1', [before.database_name])).length === 0;
  }

  it.each([
    [SHARED, SCHEMA, undefined],
    [SHARED, DATABASE, undefined],
    [SCHEMA, SHARED, undefined],
    [SCHEMA, DATABASE, 'east'],
    [DATABASE, SHARED, undefined],
    [DATABASE, SCHEMA, undefined],
    [DATABASE, DATABASE, 'east'],
  ] as const)('moves a %s hospital to %s (server %s) with identical data, the same id, and nothing left behind', async (from, to, server) => {
    const slug = `mv-${from.toLowerCase()}-${to.toLowerCase()}`;
    const hospital = await gw.createTenant({ slug, isolation: from });
    await seedHospital(gw, hospital);
    const before = (await catalogEntry(gw, slug))!;
    const data = await dumpHospital(gw, slug);

    const result = await gw.tenancy.transfer.move(slug, to, { server });
    expect(result.cleanupError).toBeNull();
    expect(result.tenant).toMatchObject({ id: before.id, isolation: to, placement: { server: server ?? 'main' } });
    expect(Object.fromEntries(result.tables.map((t) => [t.table, t.rows]))).toMatchObject({ users: 2, patients: 5 });

    const after = (await catalogEntry(gw, slug))!;
    expect(after).toMatchObject({ id: before.id, isolation: to, server_name: server ?? 'main', status: 'ACTIVE' });
    expect(await dumpHospital(gw, slug)).toEqual(data);
    expect(await placementGone(before)).toBe(true);

    // The token issued before the move still works (same hospital id) and is served from the new placement.
    const me = await gw.gql(MeDocument, {}, hospital);
    expect(me.data?.me?.tenant?.slug).toBe(slug);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(5);
  });

  it('fences the shared pool it left, so a stale route there is re-routed instead of served', async () => {
    const hospital = await gw.createTenant({ slug: 'fenced-shared' });
    await seedHospital(gw, hospital, 2);
    const stale = (await gw.tenancy.store.bySlug('fenced-shared'))!;
    await gw.tenancy.transfer.move('fenced-shared', SCHEMA);
    const [fence] = await ownerQuery<{ n: number }>('select count(*)::int as n from tenants_shared.placement_fences where tenant_id = $1', [stale.id], dbName(gw));
    expect(fence!.n).toBe(1);

    const session = gw.tenancy.session(stale);
    try {
      const em = await session.em();
      expect(session.tenant.isolation).toBe(SCHEMA);
      expect(await em.count(Patient, {})).toBe(2);
    } finally {
      await session.end(true);
    }
  });

  it("re-routes a request's work apart from its transaction (tenancy.run: audit entries of a rolled-back attempt, sign-in counting) after a move, where runInTenant alone stops at the fence", async () => {
    const hospital = await gw.createTenant({ slug: 'fenced-apart' });
    await seedHospital(gw, hospital, 2);
    const stale = (await gw.tenancy.store.bySlug('fenced-apart'))!;
    await gw.tenancy.transfer.move('fenced-apart', SCHEMA);
    await expect(runInTenant(gw.tenancy.pools, stale, (em) => em.count(Patient, {}))).rejects.toThrow();
    expect(await gw.tenancy.run(stale, (em) => em.count(Patient, {}))).toBe(2);
  });

  it('moves a hospital back into the shared pool it once left and lifts the old fence', async () => {
    const hospital = await gw.createTenant({ slug: 'round-trip' });
    await seedHospital(gw, hospital, 3);
    const data = await dumpHospital(gw, 'round-trip');
    await gw.tenancy.transfer.move('round-trip', DATABASE);
    await gw.tenancy.transfer.move('round-trip', SHARED);
    expect(await dumpHospital(gw, 'round-trip')).toEqual(data);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
  });

  it.each([
    [SHARED, DATABASE],
    [DATABASE, SCHEMA],
    [SCHEMA, SHARED],
  ] as const)("moves an archived patient's appointments, encounters, lab orders, prescriptions and vitals from %s to %s, and care given and its patient archived while it copies", async (from, to) => {
    const slug = `mv-archived-${from.toLowerCase()}-${to.toLowerCase()}`;
    const hospital = await gw.createTenant({ slug, isolation: from });
    const newCareForArchived = await seedArchivedPatient(gw, hospital);
    const doctor = await addStaff(gw, slug, 'DOCTOR');
    const late = await addPatient(gw, hospital, 'Archived late');
    const booked = await gw.gql(CreateAppointmentDocument, { input: { patientId: late, clinicianId: doctor.id, startsAt: at(600), endsAt: at(601) } }, hospital);
    const encounterId = (await gw.gql(CreateEncounterDocument, { input: { patientId: late } }, doctor)).data!.createEncounter.id;
    let data: Record<string, string[]> | undefined;
    await gw.tenancy.transfer.move(slug, to, {
      afterStep: async (step) => {
        if (step !== 'copy') return;
        // The catch-up then updates the archived patient first, and the appointment's new time and the
        // new prescription and vitals after.
        await runInTenant(gw.tenancy.pools, (await gw.tenancy.store.bySlug(slug))!, async (em) => {
          Object.assign(await em.findOneOrFail(Appointment, { id: booked.data!.createAppointment.id }), { startsAt: new Date(at(610)), endsAt: new Date(at(611)) });
          await em.flush();
        });
        expect((await gw.gql(PrescribeMedicationDocument, { input: { encounterId, medication: 'Ibuprofen', dosage: '400 mg', frequency: 'as needed' } }, doctor)).errors).toBeUndefined();
        expect((await gw.gql(RecordVitalsDocument, { input: { patientId: late, encounterId, heartRate: 80 } }, doctor)).errors).toBeUndefined();
        expect((await gw.gql(ArchivePatientDocument, { id: late }, hospital)).errors).toBeUndefined();
        data = await dumpHospital(gw, slug);
      },
    });
    expect((await catalogEntry(gw, slug))!.isolation).toBe(to);
    expect([data!.appointments, data!.prescriptions, data!.vitals].map((rows) => rows!.length)).toEqual([2, 2, 2]);
    expect(await dumpHospital(gw, slug)).toEqual(data);
    expect(await newCareForArchived(gw, slug)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
  });

  it('carries a unique value freed and taken again while it copies (an API key revoked and recreated under its name)', async () => {
    const hospital = await gw.createTenant({ slug: 'mv-key-rotation' });
    const key = async () => (await gw.gql(CreateApiKeyDocument, { input: { name: 'ward monitor', role: 'NURSE' } }, hospital)).data!.createApiKey.apiKey.id;
    const first = await key();
    let data: Record<string, string[]> | undefined;
    await gw.tenancy.transfer.move('mv-key-rotation', SCHEMA, {
      afterStep: async (step) => {
        if (step !== 'copy') return;
        expect((await gw.gql(RevokeApiKeyDocument, { id: first }, hospital)).errors).toBeUndefined();
        await key();
        data = await dumpHospital(gw, 'mv-key-rotation');
      },
    });
    expect((await catalogEntry(gw, 'mv-key-rotation'))!.isolation).toBe(SCHEMA);
    expect(await dumpHospital(gw, 'mv-key-rotation')).toEqual(data);
    const keys = (await gw.gql(ApiKeysDocument, {}, hospital)).data!.apiKeys.edges.map((e) => e.node);
    expect(keys.filter((k) => k.name === 'ward monitor' && k.revokedAt === null)).toHaveLength(1);
    expect(keys).toHaveLength(2);
  });

  it.each([
    ['the placement it already has', 'BAD_USER_INPUT', 'mv-refuse', SHARED, undefined],
    ['an unknown server', 'BAD_USER_INPUT', 'mv-refuse', DATABASE, 'west'],
    ['a server for a SCHEMA move', 'BAD_USER_INPUT', 'mv-refuse', SCHEMA, 'east'],
    ['an unknown hospital', 'NOT_FOUND', 'nobody-here', SCHEMA, undefined],
  ] as const)('refuses %s with %s', async (_why, code, slug, to, server) => {
    if (!(await catalogEntry(gw, 'mv-refuse'))) await gw.createTenant({ slug: 'mv-refuse' });
    await expect(gw.tenancy.transfer.move(slug, to, { server })).rejects.toMatchObject({ code });
    expect((await catalogEntry(gw, 'mv-refuse'))!.isolation).toBe('SHARED');
  });

  it('refuses with CONFLICT a hospital that is not at the latest migration', async () => {
    await gw.createTenant({ slug: 'mv-behind', isolation: SCHEMA });
    await ownerQuery('update catalog.tenants set migration_version = null where slug = $1', ['mv-behind'], dbName(gw));
    await expect(gw.tenancy.transfer.move('mv-behind', SHARED)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses with CONFLICT a second move of the same hospital while one is under way', async () => {
    await gw.createTenant({ slug: 'mv-twice' });
    let second: Promise<unknown> | undefined;
    await gw.tenancy.transfer.move('mv-twice', SCHEMA, {
      afterStep: (step) => {
        if (step === 'copy') second = gw.tenancy.transfer.move('mv-twice', DATABASE);
      },
    });
    await expect(second).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await catalogEntry(gw, 'mv-twice'))!.isolation).toBe('SCHEMA');
  });
});
