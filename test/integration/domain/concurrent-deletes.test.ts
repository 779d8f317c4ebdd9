import { revokeApiKey } from '../../../src/modules/api-keys/api-key.service';
import { unassignStaff } from '../../../src/modules/departments/department.service';
import { removeContact } from '../../../src/modules/patient-record/patient-details.service';
import {
  AddPatientContactDocument, AssignStaffDocument, AuditLogDocument, CreateApiKeyDocument, CreateDepartmentDocument, DeleteTenantDocument,
  RemovePatientContactDocument, SuspendTenantDocument, UnassignStaffDocument,
} from '../../e2e/generated/graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { ownerQuery, testServerUrl } from '../../fixtures/database';
import { errorCode, TestGateway, type GqlResult } from '../../fixtures/gateway';
import { untilWaitingOnLock } from '../../fixtures/locks';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff } from '../../fixtures/staff';

/** Of concurrent deletes of one row, the one that deleted it succeeds; the others are NOT_FOUND, as a later call is. */
describe('concurrent deletes of one row', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let patientId: string;
  let departmentId: string;

  const contact = async () =>
    (await gw.gql(AddPatientContactDocument, { input: { patientId, kind: 'PHONE', value: '+33 1 00 00 00 00' } }, admin)).data!.addPatientContact.id;
  const assignment = async (name: string) => {
    const nurse = await addStaff(gw, admin.slug, 'NURSE', name);
    return (await gw.gql(AssignStaffDocument, { input: { userId: nurse.id, departmentId, jobTitle: 'Staff nurse' } }, admin)).data!.assignStaff.id;
  };
  const outcomes = (results: GqlResult<unknown>[]) => results.map((r) => errorCode(r) ?? 'OK').sort();

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'deletes', isolation: 'SCHEMA' });
    patientId = await addPatient(gw, admin, 'Deleted');
    departmentId = (await gw.gql(CreateDepartmentDocument, { input: { name: 'Oncology', code: 'ONC' } }, admin)).data!.createDepartment.id;
  });
  afterAll(() => gw.stop());

  it.each<[string, () => Promise<string>, (em: EntityManager, id: string) => Promise<unknown>]>([
    ['a patient contact', contact, removeContact],
    ['a staff assignment', () => assignment('held'), unassignStaff],
  ])('refuses the second of two deletes of %s, the second waiting for the first', async (_what, create, remove) => {
    const id = await create();
    const [first, second] = await whileHeld(gw, admin.slug, (em) => remove(em, id), (em) => remove(em, id));
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'NOT_FOUND' } });
  });

  it('answers one of ten removePatientContact sent at once, and NOT_FOUND to the others, auditing one success', async () => {
    const id = await contact();
    const results = await Promise.all(Array.from({ length: 10 }, () => gw.gql(RemovePatientContactDocument, { id }, admin)));
    expect(outcomes(results)).toEqual([...Array(9).fill('NOT_FOUND'), 'OK']);
    const trail = await gw.gql(AuditLogDocument, { first: 100, filter: { operation: 'removePatientContact', recordId: id } }, admin);
    expect(trail.data!.auditLog.edges.map((e) => e.node.outcome).sort()).toEqual([...Array(9).fill('FAILURE'), 'SUCCESS']);
  });

  it('answers one of ten unassignStaff sent at once, and NOT_FOUND to the others', async () => {
    const id = await assignment('burst');
    const results = await Promise.all(Array.from({ length: 10 }, () => gw.gql(UnassignStaffDocument, { id }, admin)));
    expect(outcomes(results)).toEqual([...Array(9).fill('NOT_FOUND'), 'OK']);
  });

  it('revokes a key once when two revocations meet: the second answers the key as the first revoked it', async () => {
    const created = await gw.gql(CreateApiKeyDocument, { input: { name: 'integration', role: 'NURSE' } }, admin);
    const id = created.data!.createApiKey.apiKey.id;
    const [first, second] = await whileHeld(gw, admin.slug, (em) => revokeApiKey(em, id), (em) => revokeApiKey(em, id));
    if (first.status !== 'fulfilled' || second.status !== 'fulfilled') throw new Error('a revocation failed');
    expect(first.value.revokedAt).toBeInstanceOf(Date);
    expect(second.value.revokedAt).toEqual(first.value.revokedAt);
  });

  it('deletes a hospital once when five deleteTenant are sent at once, answering NOT_FOUND to the others', async () => {
    const doomed = await gw.createTenant({ slug: 'deletes-doomed' });
    const token = await gw.platformToken();
    const results = await Promise.all(Array.from({ length: 5 }, () => gw.gql(DeleteTenantDocument, { slug: doomed.slug }, { token })));
    expect(outcomes(results)).toEqual([...Array(4).fill('NOT_FOUND'), 'OK']);
  });

  it('keeps a deleted hospital deleted when a suspension that read it before the deletion writes after it', async () => {
    const doomed = await gw.createTenant({ slug: 'deletes-suspended' });
    const token = await gw.platformToken();
    const database = new URL(gw.databaseUrl).pathname.slice(1);
    // Holds the catalog row, so both operations read the hospital live and then wait to write, in the order sent.
    const holder = new Client({ connectionString: gw.databaseUrl });
    await holder.connect();
    let deletion: Promise<GqlResult<unknown>>;
    let suspension: Promise<GqlResult<unknown>>;
    try {
      await holder.query('begin');
      await holder.query('select 1 from catalog.tenants where slug = $1 for update', [doomed.slug]);
      deletion = gw.gql(DeleteTenantDocument, { slug: doomed.slug }, { token });
      await untilWaitingOnLock(testServerUrl(), database);
      suspension = gw.gql(SuspendTenantDocument, { slug: doomed.slug }, { token });
      await untilWaitingOnLock(testServerUrl(), database, () => false, 2);
    } finally {
      await holder.query('commit');
      await holder.end();
    }
    expect([errorCode(await deletion), errorCode(await suspension)]).toEqual([undefined, 'NOT_FOUND']);
    const [row] = await ownerQuery<{ status: string }>('select status from catalog.tenants where slug = $1', [doomed.slug], database);
    expect(row?.status).toBe('DELETED');
  });
});
