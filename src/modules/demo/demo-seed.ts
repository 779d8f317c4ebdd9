import { faker } from '@faker-js/faker';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TenantRole } from '../../auth/principal';
import { Isolation, Plan, runInTenant, type Tenancy, type TenantRecord } from '../../tenancy';
import { Appointment, AppointmentStatus } from '../appointments/appointment.entity';
import { Invoice, InvoiceLine, InvoiceStatus, Payment, PaymentMethod } from '../billing/billing.entity';
import { Diagnosis, Encounter, Prescription, Vitals } from '../clinical/clinical.entity';
import { Department, StaffAssignment } from '../departments/department.entity';
import { LabOrder, LabOrderStatus, LabResult } from '../lab/lab.entity';
import { AllergySeverity, ContactKind, PatientAllergy, PatientContact, PatientInsurance } from '../patient-record/patient-details.entity';
import { Patient } from '../patients/patient.entity';
import { createTenant } from '../platform/tenant.service';
import { HospitalSettings } from '../settings/settings.entity';
import { createUser } from '../users/user.service';
import { DEPARTMENTS, DIAGNOSES, LAB_TESTS, MEDICATIONS, STAFF } from './demo-catalog';

export interface DemoOptions {
  slug: string;
  isolation: Isolation;
  patients: number;
  /** Seed of the generator: the same seed gives the same hospital. */
  seed: number;
}

export interface DemoHospital {
  tenant: TenantRecord;
  password: string;
  staff: { email: string; roles: TenantRole[] }[];
  counts: Record<string, number>;
}

export const DEMO_PASSWORD = 'sovereign-demo-password';
/** Appointments are laid out from this fixed Monday so the data is the same on every run. */
const DEMO_MONDAY = Date.parse('2030-01-07T08:00:00Z');
const HOUR = 3_600_000;

/**
 * Provisions a demo hospital (ENTERPRISE plan) in the chosen isolation mode and fills it with
 * realistic, deterministic data: staff of every role, departments, patients with contacts,
 * allergies and insurance, appointments, encounters, lab orders with results, and invoices.
 */
export async function seedDemoHospital(tenancy: Tenancy, options: DemoOptions): Promise<DemoHospital> {
  faker.seed(options.seed);
  const domain = `${options.slug}.example`;
  const tenant = await createTenant(tenancy, {
    slug: options.slug, name: 'St. Demo General Hospital', isolation: options.isolation, plan: Plan.ENTERPRISE,
    admin: { email: `admin@${domain}`, password: DEMO_PASSWORD }, domains: [],
  });
  const counts = await runInTenant(tenancy.pools, tenant, (em) => fill(em, domain, options.patients));
  return { tenant, password: DEMO_PASSWORD, staff: [{ email: `admin@${domain}`, roles: ['ADMIN'] }, ...STAFF.map((s) => ({ email: `${s.handle}@${domain}`, roles: [s.role] }))], counts };
}

async function fill(em: EntityManager, domain: string, patientCount: number): Promise<Record<string, number>> {
  em.create(HospitalSettings, { timezone: 'Europe/London', currency: 'GBP', locale: 'en-GB', brandName: 'St. Demo General', primaryColor: '#005EB8' } as HospitalSettings);
  const departments = DEPARTMENTS.map(([code, name]) => em.create(Department, { code, name } as Department));
  await em.flush();
  const staff = [];
  for (const s of STAFF) {
    const user = await createUser(em, { email: `${s.handle}@${domain}`, password: DEMO_PASSWORD, roles: [s.role], displayName: `${faker.person.firstName()} ${faker.person.lastName()}` });
    if (s.department !== null) em.create(StaffAssignment, { userId: user.id, departmentId: departments[s.department]!.id, jobTitle: s.title, specialty: s.specialty } as StaffAssignment);
    staff.push({ ...s, user });
  }
  const clinicians = staff.filter((s) => s.role === 'DOCTOR').map((s) => s.user);
  const nurses = staff.filter((s) => s.role === 'NURSE').map((s) => s.user);
  const tech = staff.find((s) => s.role === 'LAB_TECH')!.user;
  const nextSlot = new Map(clinicians.map((c) => [c.id, 0]));
  const rows = { patients: 0, appointments: 0, encounters: 0, labResults: 0, invoices: 0 };

  for (let i = 0; i < patientCount; i += 1) {
    const sex = faker.helpers.arrayElement(['female', 'male'] as const);
    const department = faker.helpers.arrayElement(departments);
    const patient = em.create(Patient, {
      mrn: `DEMO-${String(i + 1).padStart(5, '0')}`,
      firstName: faker.person.firstName(sex),
      lastName: faker.person.lastName(),
      birthDate: faker.date.birthdate({ min: 1, max: 95, mode: 'age', refDate: new Date(DEMO_MONDAY) }).toISOString().slice(0, 10),
      departmentId: department.id,
    } as Patient);
    await em.flush();
    rows.patients += 1;
    em.create(PatientContact, { patientId: patient.id, kind: ContactKind.PHONE, value: faker.phone.number({ style: 'international' }), label: 'mobile' } as PatientContact);
    em.create(PatientContact, { patientId: patient.id, kind: ContactKind.ADDRESS, value: `${faker.location.streetAddress()}, ${faker.location.city()}`, label: 'home' } as PatientContact);
    if (faker.datatype.boolean(0.3)) {
      em.create(PatientAllergy, { patientId: patient.id, substance: faker.helpers.arrayElement(['Penicillin', 'Latex', 'Peanuts', 'Aspirin', 'Shellfish']), severity: faker.helpers.enumValue(AllergySeverity), reaction: 'Rash' } as PatientAllergy);
    }
    em.create(PatientInsurance, { patientId: patient.id, provider: faker.helpers.arrayElement(['Bupa', 'AXA Health', 'Vitality', 'Aviva']), policyNumber: faker.string.alphanumeric({ length: 10, casing: 'upper' }) } as PatientInsurance);

    const clinician = clinicians[i % clinicians.length]!;
    const slot = nextSlot.get(clinician.id)!;
    nextSlot.set(clinician.id, slot + 1);
    const startsAt = new Date(DEMO_MONDAY + Math.floor(slot / 8) * 24 * HOUR + (slot % 8) * HOUR);
    const appointment = em.create(Appointment, {
      patientId: patient.id, clinicianId: clinician.id, departmentId: department.id, startsAt, endsAt: new Date(startsAt.getTime() + HOUR / 2),
      reason: faker.helpers.arrayElement(['Follow-up', 'New referral', 'Annual review', 'Results discussion']),
      status: slot % 5 === 0 ? AppointmentStatus.COMPLETED : AppointmentStatus.SCHEDULED,
    } as Appointment);
    rows.appointments += 1;
    await em.flush();

    if (appointment.status === AppointmentStatus.COMPLETED) {
      const encounter = em.create(Encounter, { patientId: patient.id, clinicianId: clinician.id, departmentId: department.id, appointmentId: appointment.id, startedAt: startsAt, notes: faker.lorem.sentence() } as Encounter);
      await em.flush();
      const [code, text] = faker.helpers.arrayElement(DIAGNOSES);
      em.create(Diagnosis, { encounterId: encounter.id, icd10Code: code, description: text } as Diagnosis);
      const [medication, dosage, frequency] = faker.helpers.arrayElement(MEDICATIONS);
      em.create(Prescription, { encounterId: encounter.id, prescribedById: clinician.id, medication, dosage, frequency, durationDays: 14 } as Prescription);
      em.create(Vitals, {
        patientId: patient.id, encounterId: encounter.id, recordedById: faker.helpers.arrayElement(nurses).id, recordedAt: startsAt,
        heartRate: faker.number.int({ min: 55, max: 105 }), systolic: faker.number.int({ min: 100, max: 160 }), diastolic: faker.number.int({ min: 60, max: 100 }),
        temperatureC: faker.number.float({ min: 36.1, max: 38.4, fractionDigits: 1 }), oxygenSaturation: faker.number.int({ min: 93, max: 100 }),
      } as Vitals);
      rows.encounters += 1;
    }
    if (i % 2 === 0) {
      const [testCode, testName, analyte, unit, range, low, high] = faker.helpers.arrayElement(LAB_TESTS);
      const order = em.create(LabOrder, { patientId: patient.id, orderedById: clinician.id, testCode, testName, status: LabOrderStatus.RESULTED, orderedAt: startsAt } as LabOrder);
      await em.flush();
      const value = faker.number.float({ min: low * 0.8, max: high * 1.2, fractionDigits: 1 });
      em.create(LabResult, { labOrderId: order.id, patientId: patient.id, recordedById: tech.id, analyte, value: String(value), unit, referenceRange: range, abnormal: value < low || value > high, recordedAt: startsAt } as LabResult);
      rows.labResults += 1;
    }
    if (i % 3 === 0) {
      const price = faker.helpers.arrayElement([8500, 12000, 15000, 22000]);
      const paid = i % 6 === 0 ? price : 0;
      const invoice = em.create(Invoice, {
        patientId: patient.id, number: `INV-${String(rows.invoices + 1).padStart(6, '0')}`, currency: 'GBP', totalCents: price, paidCents: paid,
        status: paid ? InvoiceStatus.PAID : InvoiceStatus.ISSUED, issuedAt: startsAt,
      } as Invoice);
      await em.flush();
      em.create(InvoiceLine, { invoiceId: invoice.id, description: 'Consultation', quantity: 1, unitPriceCents: price } as InvoiceLine);
      if (paid) em.create(Payment, { invoiceId: invoice.id, amountCents: paid, method: PaymentMethod.CARD, receivedAt: startsAt } as Payment);
      rows.invoices += 1;
    }
  }
  await em.flush();
  return { staff: staff.length + 1, departments: departments.length, ...rows };
}
