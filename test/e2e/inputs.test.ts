import { Cursor } from '@mikro-orm/core';
import {
  AddPatientInsuranceDocument, ApiKeysDocument, AppointmentsDocument, AuditLogDocument, BookAppointmentDocument, CreateAppointmentDocument, CreateDepartmentDocument,
  CreatePatientDocument, DepartmentsDocument, EncountersDocument, InvoicesDocument, LabOrdersDocument, PatientsDocument, TenantsDocument,
  UpdatePatientDocument, UsersDocument,
} from './generated/graphql';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';
import { addPatient, addStaff, at, type Staff } from '../fixtures/staff';

/** The fields a BAD_USER_INPUT names (and fails the test for any other answer). */
function badFields(result: GqlResult<unknown>): string[] {
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return Object.keys((result.errors?.[0]?.extensions?.fields ?? {}) as object);
}

describe('input checks over HTTP', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let patientId: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'inputs' });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    patientId = await addPatient(gw, admin, 'Checked');
  });
  afterAll(() => gw.stop());

  describe('nested filters', () => {
    it('checks the lab order filter’s patient id', async () => {
      expect(badFields(await gw.gql(LabOrdersDocument, { filter: { patientId: 'abc' } }, admin))).toEqual(['filter.patientId']);
    });
  });

  describe('cursors', () => {
    const encode = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const cursors: [string, string][] = [
      ['strings where an instant and an id belong', encode(['x', 'y'])],
      ['numbers', encode([1, 2])],
      ['an instant and an id that is not a uuid', encode(['2031-03-10T08:00:00.000Z', 'x'])],
      ['an instant that is no date', encode(['2031-99-99T99:99:99.999Z', '00000000-0000-0000-0000-000000000000'])],
      ['too few values', encode(['x'])],
      ['an object', encode([{ $gt: 1 }, '00000000-0000-0000-0000-000000000000'])],
    ];
    const lists = {
      departments: (after: string) => gw.gql(DepartmentsDocument, { after }, admin),
      appointments: (after: string) => gw.gql(AppointmentsDocument, { after }, admin),
      invoices: (after: string) => gw.gql(InvoicesDocument, { after }, admin),
      users: (after: string) => gw.gql(UsersDocument, { after }, admin),
      encounters: (after: string) => gw.gql(EncountersDocument, { patientId, after }, admin),
      labOrders: (after: string) => gw.gql(LabOrdersDocument, { after }, admin),
      apiKeys: (after: string) => gw.gql(ApiKeysDocument, { after }, admin),
      auditLog: (after: string) => gw.gql(AuditLogDocument, { after }, admin),
    };

    it.each(Object.keys(lists) as (keyof typeof lists)[])('refuses on %s a cursor whose values do not fit the order, with BAD_USER_INPUT', async (list) => {
      for (const [why, after] of cursors) {
        const result = await lists[list](after);
        expect([why, result.errors?.[0]?.message]).toEqual([why, 'Invalid input (after: is not a valid cursor)']);
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
      }
    });

    it('refuses on tenants a cursor of the wrong type', async () => {
      const platform = await gw.platformToken();
      const result = await gw.gql(TenantsDocument, { after: encode([{ slug: 'x' }]) }, { token: platform });
      expect(result.errors?.[0]?.message).toBe('Invalid input (after: is not a valid cursor)');
    });

    it('still pages on with the cursors it gave, by instant and by text', async () => {
      for (const code of ['CUR-A', 'CUR-B', 'CUR-C']) await gw.gql(CreateDepartmentDocument, { input: { name: code, code } }, admin);
      const first = await gw.gql(DepartmentsDocument, { first: 2 }, admin);
      const next = await gw.gql(DepartmentsDocument, { first: 2, after: first.data!.departments.pageInfo.endCursor }, admin);
      expect(next.errors).toBeUndefined();
      expect(next.data!.departments.edges.map((e) => e.node.code)).toEqual(['CUR-C']);
      const audit = await gw.gql(AuditLogDocument, { first: 1 }, admin);
      const older = await gw.gql(AuditLogDocument, { first: 1, after: audit.data!.auditLog.pageInfo.endCursor }, admin);
      expect(older.errors).toBeUndefined();
      expect(older.data!.auditLog.edges).toHaveLength(1);
      expect(older.data!.auditLog.edges[0]!.node.id).not.toBe(audit.data!.auditLog.edges[0]!.node.id);
      expect(Cursor.decode(older.data!.auditLog.pageInfo.endCursor!)[0]).toBeInstanceOf(Date);
    });
  });

  describe('dates', () => {
    const patient = { firstName: 'Ada', lastName: 'Dated', birthDate: '1980-01-01' };

    it.each([
      ['year 0000', '0000-01-01'],
      ['before 1900', '1899-12-31'],
      ['in the future', '2999-01-01'],
    ])('refuses a birth date %s on create and update, storing nothing', async (_why, birthDate) => {
      expect(badFields(await gw.gql(CreatePatientDocument, { input: { ...patient, birthDate } }, admin))).toEqual(['birthDate']);
      expect(badFields(await gw.gql(UpdatePatientDocument, { id: patientId, input: { birthDate } }, admin))).toEqual(['birthDate']);
      expect((await gw.gql(PatientsDocument, { search: 'Dated' }, admin)).data?.patients.totalCount).toBe(0);
    });

    it('takes a birth date of 1900-01-01', async () => {
      const created = await gw.gql(CreatePatientDocument, { input: { ...patient, lastName: 'Oldest', birthDate: '1900-01-01' } }, admin);
      expect(created.errors).toBeUndefined();
    });

    it('refuses an insurance valid until year 0000', async () => {
      const result = await gw.gql(AddPatientInsuranceDocument, { input: { patientId, provider: 'Acme', policyNumber: 'P-1', validUntil: '0000-01-01' } }, admin);
      expect(badFields(result)).toEqual(['validUntil']);
    });

    it.each([
      ['startsAt', { startsAt: '0000-01-01T08:00:00Z', endsAt: at(1) }],
      ['endsAt', { startsAt: '2200-12-31T23:30:00Z', endsAt: '2201-01-01T00:30:00Z' }],
    ])('refuses an appointment whose %s is outside the supported years', async (field, times) => {
      const result = await gw.gql(CreateAppointmentDocument, { input: { patientId, clinicianId: doctor.id, ...times } }, admin);
      expect(badFields(result)).toEqual([field]);
    });

    it('books an appointment on the last day of 2200 and finds it with filters at the bounds', async () => {
      const booked = await gw.gql(BookAppointmentDocument, { input: { patientId, clinicianId: doctor.id, startsAt: '2200-12-31T20:00:00Z', endsAt: '2200-12-31T21:00:00Z' } }, admin);
      expect(booked.errors).toBeUndefined();
      const found = await gw.gql(AppointmentsDocument, { filter: { from: '1900-01-01T00:00:00Z', to: '2200-12-31T23:59:59Z' } }, admin);
      expect(found.data?.appointments.edges.map((e) => e.node.id)).toContain(booked.data!.createAppointment.id);
    });

    it.each(['from', 'to'] as const)('refuses a %s filter in year 0000 on appointments and the audit trail', async (field) => {
      const filter = { [field]: '0000-01-01T00:00:00Z' };
      expect(badFields(await gw.gql(AppointmentsDocument, { filter }, admin))).toEqual([`filter.${field}`]);
      expect(badFields(await gw.gql(AuditLogDocument, { filter }, admin))).toEqual([`filter.${field}`]);
    });
  });
});
