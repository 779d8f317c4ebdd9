import type { EntityManager } from '@mikro-orm/postgresql';
import { Appointment } from '../../src/modules/appointments/appointment.entity';
import { Department } from '../../src/modules/departments/department.entity';
import { recordTenantAudit } from '../../src/modules/audit/audit.service';
import { listPatients, readPatient } from '../../src/modules/patients/patient-reads';
import { Patient } from '../../src/modules/patients/patient.entity';
import { User } from '../../src/modules/users/user.entity';
import { Tenant } from '../../src/tenancy/catalog';
import { findDetached, firstPerKey, runInTenant, type FirstPerKeyQuery, type PlacementSql, type TenantRecord } from '../../src/tenancy';
import { TenantWriteViolation } from '../../src/tenancy/guards';
import { TENANT_FILTER } from '../../src/tenancy/tenant-scoped';
import type { Isolation } from '../e2e/generated/graphql';
import { TestGateway } from '../fixtures/gateway';

const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];

/** Reads that answer a request without the unit of work: same walls, same values, nothing managed. */
describe.each(MODES)('detached reads in %s isolation', (mode) => {
  let gw: TestGateway;
  let a: TenantRecord;
  let b: TenantRecord;
  let aPatientId: string;
  let bPatientId: string;

  /** Appointments before a day, newest first: a `where` written on the placement's columns, as production writes them. */
  const before = (day: string, first: number): FirstPerKeyQuery<Appointment> => ({
    key: 'patientId',
    orderBy: { startsAt: 'desc', id: 'desc' },
    first,
    where: (sql: PlacementSql, alias: string) => ({ text: `${alias}.${sql.column(Appointment, 'startsAt')} < ?`, params: [new Date(day)] }),
  });

  const inA = <T>(fn: (em: EntityManager) => Promise<T>) => runInTenant(gw.tenancy.pools, a, fn);
  const inB = <T>(fn: (em: EntityManager) => Promise<T>) => runInTenant(gw.tenancy.pools, b, fn);

  async function seed(em: EntityManager, tag: string): Promise<string> {
    const clinician = await em.findOneOrFail(User, { email: { $like: 'admin@%' } });
    const department = em.create(Department, { code: `${tag}-CARD`, name: `${tag} Cardiology` } as Department);
    await em.flush();
    const patient = em.create(Patient, { mrn: `${tag}-1`, firstName: 'Ann', lastName: `${tag}-Lee`, birthDate: '1980-02-29', departmentId: department.id } as Patient);
    await em.flush();
    for (let day = 1; day <= 3; day += 1) {
      em.create(Appointment, {
        patientId: patient.id,
        clinicianId: clinician.id,
        startsAt: new Date(Date.UTC(2030, 0, day, 9)),
        endsAt: new Date(Date.UTC(2030, 0, day, 10)),
      } as Appointment);
    }
    await em.flush();
    return patient.id;
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: `detached-a-${mode.toLowerCase()}`, isolation: mode });
    await gw.createTenant({ slug: `detached-b-${mode.toLowerCase()}`, isolation: mode });
    a = (await gw.tenancy.store.bySlug(`detached-a-${mode.toLowerCase()}`))!;
    b = (await gw.tenancy.store.bySlug(`detached-b-${mode.toLowerCase()}`))!;
    aPatientId = await inA((em) => seed(em, 'A'));
    bPatientId = await inB((em) => seed(em, 'B'));
  });
  afterAll(() => gw.stop());

  it('reads the same values as a managed entity, as instances of the class, outside the unit of work', async () => {
    await inA(async (em) => {
      const [detached] = await findDetached(em, Patient, { id: aPatientId }, { populate: ['department'], limit: 1 });
      expect(detached).toBeInstanceOf(Patient);
      // Plain data, not MikroORM's change-tracking accessors.
      expect(Object.getOwnPropertyDescriptor(detached, 'lastName')).toMatchObject({ value: 'A-Lee', writable: true });
      expect(em.getUnitOfWork().getIdentityMap().values()).toHaveLength(0);
      const managed = await em.findOneOrFail(Patient, { id: aPatientId });
      for (const key of ['id', 'tenantId', 'mrn', 'firstName', 'lastName', 'birthDate', 'departmentId', 'createdAt', 'updatedAt', 'archivedAt'] as const) {
        expect(detached![key]).toEqual(managed[key]);
      }
      expect(detached!.birthDate).toBe('1980-02-29');
      expect(detached!.department).toBeInstanceOf(Department);
      expect(detached!.department).toMatchObject({ id: managed.departmentId, name: 'A Cardiology' });
    });
  });

  it('never returns another hospital’s rows, even asked for by id', async () => {
    const seen = await inA((em) => findDetached(em, Patient, {}, { orderBy: { id: 'asc' } }));
    expect(seen.map((p) => p.tenantId)).toEqual(seen.map(() => a.id));
    expect(seen.map((p) => p.id)).toContain(aPatientId);
    expect(await inA((em) => findDetached(em, Patient, { id: bPatientId }, {}))).toEqual([]);
    expect(await inA((em) => firstPerKey(em, Appointment, [bPatientId], before('2031-01-01', 5)))).toEqual([]);
  });

  it('reads patients by hand (page or lookup, with departments and newest appointments) as the ORM reads them, and none of another hospital', async () => {
    const primed = new Map<string, Appointment[]>();
    const prefetch = { first: 2, prime: (id: string, rows: Appointment[]) => primed.set(id, rows) };
    await inA(async (em) => {
      const page = await listPatients(em, { first: 100, includeArchived: true }, prefetch);
      expect(page.edges.map((e) => e.node.tenantId)).toEqual(page.edges.map(() => a.id));
      expect(page.edges.map((e) => e.node.id)).toEqual([aPatientId]);
      expect(await page.totalCount).toBe(1);
      // Both hospitals have an Ann: a search condition the ORM renders is held to this hospital too.
      const searched = await listPatients(em, { first: 100, includeArchived: true, search: 'Ann' });
      expect(searched.edges.map((e) => e.node.id)).toEqual([aPatientId]);
      expect(await searched.totalCount).toBe(1);
      const patient = await readPatient(em, aPatientId, prefetch);
      const managed = await em.findOneOrFail(Patient, { id: aPatientId }, { populate: ['department'] });
      for (const key of ['id', 'tenantId', 'mrn', 'firstName', 'lastName', 'birthDate', 'departmentId', 'createdAt', 'updatedAt', 'archivedAt', 'clinicalNotes'] as const) {
        expect(patient![key]).toEqual(managed[key]);
      }
      expect(patient).toBeInstanceOf(Patient);
      expect(patient!.department).toBeInstanceOf(Department);
      expect(patient!.department).toMatchObject({ id: managed.departmentId, name: 'A Cardiology', createdAt: managed.department!.getEntity().createdAt });
      expect(primed.get(aPatientId)!.map((r) => [r instanceof Appointment, r.startsAt.toISOString()])).toEqual([[true, '2030-01-03T09:00:00.000Z'], [true, '2030-01-02T09:00:00.000Z']]);
      expect(await readPatient(em, bPatientId, prefetch)).toBeNull();
      expect(primed.has(bPatientId)).toBe(false);
    });
  });

  it('reads the first rows per key meeting the condition detached, in the query’s order', async () => {
    await inA(async (em) => {
      const rows = await firstPerKey(em, Appointment, [aPatientId], before('2030-01-03T00:00:00Z', 2));
      expect(rows.every((r) => r instanceof Appointment)).toBe(true);
      expect(rows.map((r) => r.startsAt.toISOString())).toEqual(['2030-01-02T09:00:00.000Z', '2030-01-01T09:00:00.000Z']);
      expect(em.getUnitOfWork().getIdentityMap().values()).toHaveLength(0);
    });
  });

  it('refuses a tenant read through a fork bound to no tenant', async () => {
    await inA(async (em) => {
      const unbound = em.fork();
      unbound.setFilterParams(TENANT_FILTER, {});
      await expect(findDetached(unbound, Patient, {}, {})).rejects.toBeInstanceOf(TenantWriteViolation);
      await expect(firstPerKey(unbound, Appointment, [aPatientId], before('2031-01-01', 5))).rejects.toBeInstanceOf(TenantWriteViolation);
      await expect(listPatients(unbound, { first: 5, includeArchived: false })).rejects.toBeInstanceOf(TenantWriteViolation);
      await expect(readPatient(unbound, aPatientId)).rejects.toBeInstanceOf(TenantWriteViolation);
    });
  });

  it('refuses a tenant read or audit entry through a fork bound to a tenant but to no placement schema', async () => {
    await inA(async (em) => {
      const unplaced = em.fork();
      unplaced.setFilterParams(TENANT_FILTER, { id: a.id });
      unplaced.schema = undefined;
      await expect(findDetached(unplaced, Patient, {}, {})).rejects.toThrow(/bound to a tenant and its placement/);
      await expect(readPatient(unplaced, aPatientId)).rejects.toThrow(/bound to a tenant and its placement/);
      await expect(recordTenantAudit(unplaced, [])).rejects.toThrow(/bound to a tenant and its placement/);
    });
  });
});

describe('detached reads of entities with collections', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'detached-collection' });
  });
  afterAll(() => gw.stop());

  it('are refused: a catalog entry’s domains could not be populated on a detached row', async () => {
    await expect(findDetached(gw.tenancy.central.em.fork(), Tenant, { slug: 'detached-collection' }, {})).rejects.toThrow(/Tenant\.domains is a collection/);
  });
});
