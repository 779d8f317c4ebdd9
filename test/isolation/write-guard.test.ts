import type { EntityManager } from '@mikro-orm/postgresql';
import { Patient } from '../../src/modules/patients/patient.entity';
import { User } from '../../src/modules/users/user.entity';
import { runInTenant, type TenantRecord } from '../../src/tenancy';
import { TenantWriteViolation } from '../../src/tenancy/guards';
import type { Isolation } from '../e2e/generated/graphql';
import { TestGateway } from '../fixtures/gateway';

const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];

describe.each(MODES)('write guard in %s isolation', (mode) => {
  let gw: TestGateway;
  let a: TenantRecord;
  let b: TenantRecord;
  let bPatientId: string;
  let bUserId: string;

  const inA = <T>(fn: (em: EntityManager) => Promise<T>) => runInTenant(gw.tenancy.pools, a, fn);
  const inB = <T>(fn: (em: EntityManager) => Promise<T>) => runInTenant(gw.tenancy.pools, b, fn);
  const bPatient = () => inB((em) => em.findOneOrFail(Patient, { id: bPatientId }));

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'guard-a', isolation: mode });
    await gw.createTenant({ slug: 'guard-b', isolation: mode });
    a = (await gw.tenancy.store.bySlug('guard-a'))!;
    b = (await gw.tenancy.store.bySlug('guard-b'))!;
    bPatientId = await inB(async (em) => {
      const p = em.create(Patient, { mrn: 'B-1', firstName: 'Bea', lastName: 'Bell', birthDate: '1980-01-01' } as Patient);
      await em.flush();
      return p.id;
    });
    bUserId = await inB(async (em) => (await em.findOneOrFail(User, { email: 'admin@guard-b.test' })).id);
  });
  afterAll(() => gw.stop());

  it('stamps the bound tenant on an insert that names none', async () => {
    const tenantId = await inA(async (em) => {
      const p = em.create(Patient, { mrn: 'A-1', firstName: 'Al', lastName: 'Ames', birthDate: '1980-01-01' } as Patient);
      await em.flush();
      return p.tenantId;
    });
    expect(tenantId).toBe(a.id);
  });

  it('refuses an insert carrying B’s tenant id, and B gets no row', async () => {
    await expect(
      inA(async (em) => {
        em.create(Patient, { tenantId: b.id, mrn: 'X-1', firstName: 'X', lastName: 'Intruder', birthDate: '1980-01-01' } as Patient);
        await em.flush();
      }),
    ).rejects.toBeInstanceOf(TenantWriteViolation);
    expect(await inB((em) => em.count(Patient, { lastName: 'Intruder' }))).toBe(0);
  });

  it('refuses changing a row’s tenantId and flushing', async () => {
    const id = await inA(async (em) => {
      const p = em.create(Patient, { mrn: 'A-2', firstName: 'Mo', lastName: 'Mover', birthDate: '1980-01-01' } as Patient);
      await em.flush();
      return p.id;
    });
    await expect(
      inA(async (em) => {
        const p = await em.findOneOrFail(Patient, { id });
        p.tenantId = b.id;
        await em.flush();
      }),
    ).rejects.toBeInstanceOf(TenantWriteViolation);
    expect(await inA((em) => em.count(Patient, { id }))).toBe(1);
  });

  it('refuses an upsert with B’s primary key, and B’s row is unchanged', async () => {
    await expect(
      inA((em) => em.upsert(Patient, { id: bPatientId, tenantId: a.id, mrn: 'B-1', firstName: 'Stolen', lastName: 'Row', birthDate: '1980-01-01' } as Patient)),
    ).rejects.toBeInstanceOf(TenantWriteViolation);
    expect((await bPatient()).firstName).toBe('Bea');
  });

  it('refuses upsertMany on tenant data as well', async () => {
    await expect(
      inA((em) => em.upsertMany(Patient, [{ id: bPatientId, tenantId: a.id, mrn: 'B-1', firstName: 'Stolen', lastName: 'Rows', birthDate: '1980-01-01' } as Patient])),
    ).rejects.toBeInstanceOf(TenantWriteViolation);
    expect((await bPatient()).lastName).toBe('Bell');
  });

  it('refuses a reference to B’s user (composite foreign key), writing nothing', async () => {
    await expect(
      inA(async (em) => {
        em.create(Patient, { mrn: 'A-3', firstName: 'Ref', lastName: 'Erence', birthDate: '1980-01-01', createdById: bUserId } as Patient);
        await em.flush();
      }),
    ).rejects.toThrow(/foreign key/);
    expect(await inA((em) => em.count(Patient, { mrn: 'A-3' }))).toBe(0);
  });

  it('refuses a bulk update that would move A’s rows to B (row-level security WITH CHECK)', async () => {
    await expect(inA((em) => em.nativeUpdate(Patient, { mrn: 'A-1' }, { tenantId: b.id }))).rejects.toThrow(/row-level security/);
    expect(await inA((em) => em.count(Patient, { mrn: 'A-1' }))).toBe(1);
  });

  it('cannot touch B’s row by a bulk update or delete from A', async () => {
    expect(await inA((em) => em.nativeUpdate(Patient, { id: bPatientId }, { firstName: 'Changed' }))).toBe(0);
    expect(await inA((em) => em.nativeDelete(Patient, { id: bPatientId }))).toBe(0);
    expect((await bPatient()).firstName).toBe('Bea');
  });
});
