import { Appointment } from '../../../src/modules/appointments/appointment.entity';
import { Invoice, InvoiceStatus } from '../../../src/modules/billing/billing.entity';
import { Department } from '../../../src/modules/departments/department.entity';
import { LabOrder, LabOrderStatus, LabResult } from '../../../src/modules/lab/lab.entity';
import { Patient } from '../../../src/modules/patients/patient.entity';
import { runInTenant } from '../../../src/tenancy';
import { BookAppointmentDocument, CreateAppointmentDocument, PatientListDocument, PatientOverviewDocument, PatientWithAppointmentsDocument } from '../../e2e/generated/graphql';
import { TestGateway } from '../../fixtures/gateway';
import { statementsOf } from '../../fixtures/statements';
import { addStaff, at } from '../../fixtures/staff';

/** Every SQL statement sent through node-postgres while `fn` runs, and how many. */
async function countStatements(fn: () => Promise<unknown>): Promise<{ count: number; statements: string[] }> {
  const statements = await statementsOf(fn);
  return { count: statements.length, statements };
}

describe('statement count of a nested patient overview', () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };
  let doctor: Awaited<ReturnType<typeof addStaff>>;

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'overview', plan: 'ENTERPRISE' });
    doctor = await addStaff(gw, hospital.slug, 'DOCTOR');
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    await runInTenant(gw.tenancy.pools, tenant, async (em) => {
      const departments = ['CARD', 'NEUR', 'ORTH'].map((code) => em.create(Department, { name: code, code } as Department));
      await em.flush();
      for (let i = 0; i < 60; i += 1) {
        const patient = em.create(Patient, { firstName: 'P', lastName: `Overview${String(i).padStart(2, '0')}`, birthDate: '1980-01-01', mrn: `OV-${i}`, departmentId: departments[i % 3]!.id } as Patient);
        await em.flush();
        em.create(Appointment, { patientId: patient.id, clinicianId: doctor.id, startsAt: new Date(at(i * 2)), endsAt: new Date(at(i * 2 + 1)) } as Appointment);
        const order = em.create(LabOrder, { patientId: patient.id, orderedById: doctor.id, testCode: '718-7', testName: 'Hb', status: LabOrderStatus.RESULTED } as LabOrder);
        const invoice = em.create(Invoice, { patientId: patient.id, number: `INV-${i}`, currency: 'USD', status: InvoiceStatus.ISSUED, totalCents: 1000 + i } as Invoice);
        await em.flush();
        em.create(LabResult, { labOrderId: order.id, patientId: patient.id, recordedById: doctor.id, analyte: 'Hb', value: '14' } as LabResult);
        void invoice;
      }
      await em.flush();
      // The first patient by last name has eight appointments in all: lists show the newest five.
      const first = await em.findOneOrFail(Patient, { lastName: 'Overview00' });
      for (let k = 0; k < 7; k += 1) {
        em.create(Appointment, { patientId: first.id, clinicianId: doctor.id, startsAt: new Date(at(200 + k * 2)), endsAt: new Date(at(201 + k * 2)) } as Appointment);
      }
      await em.flush();
    });
  }, 60_000);
  afterAll(() => gw.stop());

  it('runs the same small number of statements for 5 patients as for 50, with every relation resolved', async () => {
    await gw.gql(PatientOverviewDocument, { first: 1 }, hospital); // warm the tenant cache and the pool
    let five: Awaited<ReturnType<typeof gw.gql<unknown, unknown>>> | undefined;
    let fifty: typeof five;
    const small = await countStatements(async () => { five = await gw.gql(PatientOverviewDocument, { first: 5 }, hospital); });
    const large = await countStatements(async () => { fifty = await gw.gql(PatientOverviewDocument, { first: 50 }, hospital); });
    const nodes = (fifty!.data as { patients: { edges: { node: Record<string, unknown> }[] } }).patients.edges.map((e) => e.node);
    expect(five!.errors).toBeUndefined();
    expect(nodes).toHaveLength(50);
    for (const node of nodes) {
      expect(node).toMatchObject({ department: { id: expect.any(String) }, nextAppointments: expect.arrayContaining([expect.anything()]), latestLabResults: [expect.anything()] });
      expect(node.openInvoiceBalanceCents).toBeGreaterThan(0);
    }
    expect(small.count).toBeGreaterThanOrEqual(6); // the counter sees the statements at all
    expect(large.count).toBe(small.count);
    if (process.env.SHOW_STATEMENTS) console.log(large.count, large.statements.join('\n'));
    // begin + enter_request (tenant, hold, fence, user, session, settings) + page with departments + count
    // + appointments + lab results + invoices + the audit entry for the patient read + commit
    expect(large.count).toBeLessThanOrEqual(9);
  });

  it('lists 20 patients with department and newest five appointments in five statements, transaction and audit entry included', async () => {
    await gw.gql(PatientListDocument, { first: 20 }, hospital);
    let result: Awaited<ReturnType<typeof gw.gql<unknown, unknown>>> | undefined;
    const list = await countStatements(async () => { result = await gw.gql(PatientListDocument, { first: 20 }, hospital); });
    if (process.env.SHOW_STATEMENTS) console.log(list.count, list.statements.join('\n'));
    expect(result!.errors).toBeUndefined();
    type Node = { lastName: string; department: { name: string }; appointments: { startsAt: string }[] };
    const nodes = (result!.data as { patients: { edges: { node: Node }[] } }).patients.edges.map((e) => e.node);
    expect(nodes).toHaveLength(20);
    expect(nodes[0]!.lastName).toBe('Overview00');
    expect(nodes[0]!.appointments).toHaveLength(5);
    const starts = nodes[0]!.appointments.map((a) => a.startsAt);
    expect(starts).toEqual([...starts].sort().reverse()); // newest first
    expect(starts[0]).toBe(new Date(at(212)).toISOString());
    for (const node of nodes.slice(1)) expect(node).toMatchObject({ department: { name: expect.any(String) }, appointments: [expect.anything()] });
    // begin, enter_request, the page with its departments and appointments, the audit entry, commit
    expect(list.count).toBe(5);
  });

  it('reads one patient with department and all appointments in five statements', async () => {
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    const id = await runInTenant(gw.tenancy.pools, tenant, async (em) => (await em.findOneOrFail(Patient, { lastName: 'Overview00' })).id);
    let result: Awaited<ReturnType<typeof gw.gql<unknown, unknown>>> | undefined;
    const point = await countStatements(async () => { result = await gw.gql(PatientWithAppointmentsDocument, { id }, hospital); });
    expect(result!.errors).toBeUndefined();
    expect(result!.data).toMatchObject({ patient: { id, department: { name: 'CARD' } } });
    expect((result!.data as { patient: { appointments: unknown[] } }).patient.appointments).toHaveLength(8);
    expect(point.count).toBe(5);
  });

  it('books an appointment in at most six statements, transaction and audit entry included', async () => {
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    const patientId = await runInTenant(gw.tenancy.pools, tenant, async (em) => (await em.findOneOrFail(Patient, { lastName: 'Overview01' })).id);
    let result: Awaited<ReturnType<typeof gw.gql<unknown, unknown>>> | undefined;
    const input = { patientId, clinicianId: doctor.id, startsAt: at(400), endsAt: at(401) };
    const write = await countStatements(async () => { result = await gw.gql(BookAppointmentDocument, { input }, hospital); });
    if (process.env.SHOW_STATEMENTS) console.log(write.count, write.statements.join('\n'));
    expect(result!.errors).toBeUndefined();
    expect(write.count).toBeLessThanOrEqual(6);
  });

  it('does not read the clinician a booking checked again to show it', async () => {
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    const patientId = await runInTenant(gw.tenancy.pools, tenant, async (em) => (await em.findOneOrFail(Patient, { lastName: 'Overview02' })).id);
    let result: Awaited<ReturnType<typeof gw.gql<unknown, unknown>>> | undefined;
    const input = { patientId, clinicianId: doctor.id, startsAt: at(402), endsAt: at(403) };
    const write = await countStatements(async () => { result = await gw.gql(CreateAppointmentDocument, { input }, hospital); });
    expect(result!.errors).toBeUndefined();
    expect(result!.data).toMatchObject({ createAppointment: { clinician: { id: doctor.id }, patient: { id: patientId } } });
    expect(write.statements.filter((s) => s.includes('"users"'))).toHaveLength(1);
  });
});
