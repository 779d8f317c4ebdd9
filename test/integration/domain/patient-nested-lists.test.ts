import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { Appointment, AppointmentStatus } from '../../../src/modules/appointments/appointment.entity';
import { LabOrder, LabOrderStatus, LabResult } from '../../../src/modules/lab/lab.entity';
import { Patient } from '../../../src/modules/patients/patient.entity';
import { runInTenant } from '../../../src/tenancy';
import { TestGateway } from '../../fixtures/gateway';
import { addStaff, at, type Staff } from '../../fixtures/staff';
import { rowsOf } from '../../fixtures/statements';

type Ids = { id: string }[];
type Node = { lastName: string; soonest: Ids; next: Ids; allNext: Ids; latest: Ids; newest: Ids };
type PageData = { patients: { edges: { node: Node }[] } };

const PAGE = parse(`query {
  patients(first: 10) {
    edges { node {
      lastName
      soonest: nextAppointments(first: 1) { id }
      next: nextAppointments(first: 3) { id }
      allNext: nextAppointments(first: 100) { id }
      latest: latestLabResults(first: 4) { id }
      newest: latestLabResults(first: 1) { id }
    } }
  }
}`) as TypedDocumentNode<PageData, Record<string, never>>;

/**
 * A patient's `nextAppointments(first)` and `latestLabResults(first)` read at most `first` rows per
 * patient, one statement per page size for a whole page of patients: a patient with many
 * appointments or results makes a page read no more than it shows.
 */
describe("a patient's next appointments and latest lab results", () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };
  let doctor: Staff;
  /** Nested00's upcoming appointments (soonest first) and lab results (latest first), as the fields order them. */
  let upcoming: string[];
  let results: string[];

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'nested-lists' });
    doctor = await addStaff(gw, hospital.slug, 'DOCTOR');
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    ({ upcoming, results } = await runInTenant(gw.tenancy.pools, tenant, async (em) => {
      const [many, one] = ['Nested00', 'Nested01'].map((lastName, i) => em.create(Patient, { firstName: 'P', lastName, birthDate: '1980-01-01', mrn: `NL-${i}` } as Patient));
      await em.flush();
      const book = (patient: Patient, hours: number, status = AppointmentStatus.SCHEDULED) =>
        em.create(Appointment, { patientId: patient.id, clinicianId: doctor.id, startsAt: new Date(at(hours)), endsAt: new Date(at(hours + 1)), status } as Appointment);
      // Twelve upcoming, out of order, one checked in; cancelled, completed and ended ones are not upcoming.
      for (const hours of [30, 4, 22, 8, 16, 2, 28, 12, 6, 24, 10, 18]) book(many, hours, hours === 6 ? AppointmentStatus.CHECKED_IN : AppointmentStatus.SCHEDULED);
      book(many, 0, AppointmentStatus.CANCELLED);
      book(many, 14, AppointmentStatus.COMPLETED);
      book(many, -24 * 365 * 20);
      book(one, 40);
      const orders = [many, one].map((patient) => em.create(LabOrder, { patientId: patient.id, orderedById: doctor.id, testCode: '718-7', testName: 'Hb', status: LabOrderStatus.RESULTED } as LabOrder));
      await em.flush();
      // Twelve results, three of them recorded together: the order falls to their ids.
      for (const hours of [5, 1, 9, 9, 9, 3, 11, 7, 2, 10, 4, 8]) {
        em.create(LabResult, { labOrderId: orders[0]!.id, patientId: many.id, recordedById: doctor.id, analyte: 'Hb', value: '14', recordedAt: new Date(at(hours)) } as LabResult);
      }
      em.create(LabResult, { labOrderId: orders[1]!.id, patientId: one.id, recordedById: doctor.id, analyte: 'Hb', value: '13', recordedAt: new Date(at(1)) } as LabResult);
      await em.flush();
      const soonest = await em.find(Appointment, { patientId: many.id, status: { $in: [AppointmentStatus.SCHEDULED, AppointmentStatus.CHECKED_IN] }, endsAt: { $gte: new Date() } }, { orderBy: { startsAt: 'asc', id: 'asc' } });
      const latest = await em.find(LabResult, { patientId: many.id }, { orderBy: { recordedAt: 'desc', id: 'asc' } });
      return { upcoming: soonest.map((a) => a.id), results: latest.map((r) => r.id) };
    }));
  }, 60_000);
  afterAll(() => gw.stop());

  it('answers each size with the first rows in order, for a patient with more than that', async () => {
    const result = await gw.gql(PAGE, {}, doctor);
    expect(result.errors).toBeUndefined();
    const [many, one] = result.data!.patients.edges.map((e) => e.node);
    const ids = (rows: Ids) => rows.map((row) => row.id);
    expect(upcoming).toHaveLength(12);
    expect(results).toHaveLength(12);
    expect(many).toMatchObject({ lastName: 'Nested00' });
    expect([ids(many!.soonest), ids(many!.next), ids(many!.allNext)]).toEqual([upcoming.slice(0, 1), upcoming.slice(0, 3), upcoming]);
    expect([ids(many!.latest), ids(many!.newest)]).toEqual([results.slice(0, 4), results.slice(0, 1)]);
    expect(one).toMatchObject({ lastName: 'Nested01', soonest: [expect.anything()], next: [expect.anything()], allNext: [expect.anything()], latest: [expect.anything()], newest: [expect.anything()] });
  });

  it('reads no more rows than each size shows, in one statement per size for the whole page', async () => {
    await gw.gql(PAGE, {}, doctor);
    const statements = await rowsOf(() => gw.gql(PAGE, {}, doctor));
    const reading = (table: string) => statements.filter((s) => s.text.includes(`"${table}"`)).map((s) => s.rows).sort((a, b) => a - b);
    // Per size: Nested00's rows up to the size, and Nested01's one.
    expect(reading('appointments')).toEqual([1 + 1, 3 + 1, 12 + 1]);
    expect(reading('lab_results')).toEqual([1 + 1, 4 + 1]);
  });
});
