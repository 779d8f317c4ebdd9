import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Cursor } from '@mikro-orm/core';
import { parse } from 'graphql';
import { Appointment } from '../../../src/modules/appointments/appointment.entity';
import { Department } from '../../../src/modules/departments/department.entity';
import { Patient } from '../../../src/modules/patients/patient.entity';
import { PlacementSql, runInTenant } from '../../../src/tenancy';
import { errorCode, type GqlResult, TestGateway } from '../../fixtures/gateway';
import { addStaff, at, type Staff } from '../../fixtures/staff';
import { statementsOf } from '../../fixtures/statements';

type Vars = Record<string, unknown>;
type Node = { id: string; lastName: string; [field: string]: unknown };
type PageData = { patients: { edges: { cursor: string; node: Node }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount?: number } };

function doc<T>(text: string): TypedDocumentNode<T, Vars> {
  return parse(text) as TypedDocumentNode<T, Vars>;
}

/**
 * `patients` and `patient` read their patients, departments and (when selected) newest appointments in
 * one hand-written statement, and hand the appointments to the loaders the field resolver reads. These
 * tests hold that statement to what the ORM and the loaders answer, and to the walls.
 */
describe('patient reads in one statement', () => {
  let gw: TestGateway;
  let doctor: Staff;
  let billing: Staff;
  let other: { slug: string; token: string };
  let first: { id: string; appointments: { id: string; startsAt: string }[] };
  let otherPatientId: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'reads-a', isolation: 'SHARED' });
    other = await gw.createTenant({ slug: 'reads-b', isolation: 'SHARED' });
    doctor = await addStaff(gw, 'reads-a', 'DOCTOR');
    billing = await addStaff(gw, 'reads-a', 'BILLING');
    const colleague = await addStaff(gw, 'reads-a', 'DOCTOR', 'colleague');
    const tenant = (await gw.tenancy.store.bySlug('reads-a'))!;
    first = await runInTenant(gw.tenancy.pools, tenant, async (em) => {
      const cardiology = em.create(Department, { name: 'Cardiology', code: 'CARD' } as Department);
      await em.flush();
      // Same last names in pairs, so the order falls to first names and ids; a third have no department.
      for (let i = 0; i < 12; i += 1) {
        em.create(Patient, { firstName: `F${i % 3}`, lastName: `Reads${String(Math.floor(i / 2)).padStart(2, '0')}`, birthDate: '1980-01-01', mrn: `RD-${i}`, departmentId: i % 3 === 2 ? null : cardiology.id } as Patient);
      }
      await em.flush();
      const patient = await em.findOneOrFail(Patient, { lastName: 'Reads00' }, { orderBy: { firstName: 'asc', id: 'asc' } });
      // Two appointments start together (with two clinicians): the newest-first order falls to their ids.
      for (const [k, hours] of [1, 5, 3, 9, 7, 7, 11, 2].entries()) {
        const clinicianId = k === 5 ? colleague.id : doctor.id;
        em.create(Appointment, { patientId: patient.id, clinicianId, startsAt: new Date(at(hours)), endsAt: new Date(at(hours + 0.5)) } as Appointment);
      }
      await em.flush();
      const newest = await em.find(Appointment, { patientId: patient.id }, { orderBy: { startsAt: 'desc', id: 'desc' } });
      return { id: patient.id, appointments: newest.map((a) => ({ id: a.id, startsAt: a.startsAt.toISOString() })) };
    });
    const otherTenant = (await gw.tenancy.store.bySlug('reads-b'))!;
    const otherDoctor = await addStaff(gw, 'reads-b', 'DOCTOR');
    otherPatientId = await runInTenant(gw.tenancy.pools, otherTenant, async (em) => {
      const patient = em.create(Patient, { firstName: 'Bea', lastName: 'Reads00', birthDate: '1980-01-01', mrn: 'RD-B' } as Patient);
      await em.flush();
      em.create(Appointment, { patientId: patient.id, clinicianId: otherDoctor.id, startsAt: new Date(at(50)), endsAt: new Date(at(51)) } as Appointment);
      await em.flush();
      return patient.id;
    });
  }, 60_000);
  afterAll(() => gw.stop());

  it('answers every selected page size through aliases, fragments, variables and @skip, newest first, in five statements', async () => {
    const query = doc<PageData>(`
      query ($n: Int!, $skip: Boolean!) { patients(first: 2) { edges { node { ...Visits } } } }
      fragment Visits on Patient {
        id lastName
        few: appointments(first: 2) { id startsAt }
        many: appointments(first: $n) { id startsAt }
        gone: appointments(first: 7) @skip(if: $skip) { id }
      }`);
    let result: GqlResult<PageData> | undefined;
    const statements = (await statementsOf(async () => { result = await gw.gql(query, { n: 6, skip: true }, doctor); })).length;
    expect(result!.errors).toBeUndefined();
    const [node, next] = result!.data!.patients.edges.map((e) => e.node);
    expect(node!.id).toBe(first.id);
    expect(node!.few).toEqual(first.appointments.slice(0, 2));
    expect(node!.many).toEqual(first.appointments.slice(0, 6));
    expect(node).not.toHaveProperty('gone');
    expect(next).toMatchObject({ few: [], many: [] });
    // begin, enter_request, the page with departments and appointments, the audit entry, commit
    expect(statements).toBe(5);
  });

  it('answers a lookup with its department and every appointment as the ORM reads them', async () => {
    const query = doc<{ patient: Node }>(`query ($id: ID!) { patient(id: $id) { id department { name code } appointments(first: 100) { id startsAt } } }`);
    const result = await gw.gql(query, { id: first.id }, doctor);
    expect(result.errors).toBeUndefined();
    expect(result.data!.patient).toEqual({ id: first.id, department: { name: 'Cardiology', code: 'CARD' }, appointments: first.appointments });
  });

  it('pages in last name, first name and id order with the cursors the ORM encodes, and counts the same rows', async () => {
    const page = doc<PageData>(`query ($first: Int, $after: String) { patients(first: $first, after: $after) { totalCount edges { cursor node { id lastName firstName department { name } } } pageInfo { hasNextPage endCursor } } }`);
    const tenant = (await gw.tenancy.store.bySlug('reads-a'))!;
    const expected = await runInTenant(gw.tenancy.pools, tenant, (em) => em.find(Patient, { archivedAt: null }, { orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' }, populate: ['department'] }));
    const seen: Node[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const result: GqlResult<PageData> = await gw.gql(page, { first: 5, after }, doctor);
      expect(result.errors).toBeUndefined();
      const connection = result.data!.patients;
      expect(connection.totalCount).toBe(expected.length);
      for (const edge of connection.edges) expect(edge.cursor).toBe(Cursor.encode([edge.node.lastName, edge.node.firstName, edge.node.id]));
      seen.push(...connection.edges.map((e) => e.node));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen.map((n) => n.id)).toEqual(expected.map((p) => p.id));
    expect(seen.map((n) => (n.department as { name: string } | null)?.name ?? null)).toEqual(expected.map((p) => (p.departmentId ? 'Cardiology' : null)));
    // A cursor built by the ORM's own Cursor (as `paginate` gives) starts the page after its row.
    const third = expected[2]!;
    const resumed = await gw.gql(page, { first: 1, after: Cursor.encode([third.lastName, third.firstName, third.id]) }, doctor);
    expect(resumed.data!.patients.edges[0]!.node.id).toBe(expected[3]!.id);
  });

  it('matches a search as `search` does: any word order or a prefix, wildcards and placeholders taken literally', async () => {
    const page = doc<PageData>(`query ($search: String) { patients(first: 100, search: $search) { totalCount edges { node { id lastName firstName } } } }`);
    const names = async (search: string) => {
      const result = await gw.gql(page, { search }, doctor);
      expect(result.errors).toBeUndefined();
      expect(result.data!.patients.totalCount).toBe(result.data!.patients.edges.length);
      return result.data!.patients.edges.map((e) => `${e.node.firstName} ${e.node.lastName}`);
    };
    expect(await names('Reads03')).toEqual(['F0 Reads03', 'F1 Reads03']); // a last name, whole word
    expect(await names('f1 reads02')).toEqual(['F1 Reads02']); // full text, any case and word order
    expect(await names('Reads0')).toHaveLength(12); // a prefix
    expect(await names('RD-1')).toEqual(['F1 Reads00', 'F1 Reads05', 'F2 Reads05']); // a prefix of an MRN (RD-1, RD-10, RD-11)
    expect(await names('Reads_3')).toEqual([]); // `_` is not LIKE's any-character
    expect(await names('Reads%')).toEqual([]);
    expect(await names('Reads? or 1=1')).toEqual([]); // `?` is text, not a placeholder
  });

  it('refuses a cursor it did not make with BAD_USER_INPUT, and answers nothing', async () => {
    const page = doc<PageData>(`query ($after: String) { patients(first: 5, after: $after) { edges { node { id } } } }`);
    const forged = [
      'not base64 json',
      Cursor.encode(['Reads00', 'F0']),
      Cursor.encode(['Reads00', 'F0', 'not-a-uuid']),
      Cursor.encode(['Reads00', { $gt: '' }, first.id]),
      Cursor.encode(["Reads00' or 1=1 --", 'F0', first.id, 'extra']),
      Buffer.from('{"a":1}').toString('base64url'),
    ];
    for (const after of forged) {
      const result = await gw.gql(page, { after }, doctor);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.data?.patients ?? null).toBeNull();
    }
  });

  it('still refuses appointments to a role that may not read them, though the page read them', async () => {
    const query = doc<PageData>(`query { patients(first: 1) { edges { node { id appointments(first: 5) { id startsAt } } } } }`);
    const result = await gw.gql(query, {}, billing);
    expect(result.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'patients.edges.0.node.appointments']]);
    const text = JSON.stringify(result);
    for (const appointment of first.appointments) expect(text).not.toContain(appointment.id);
  });

  it('never reads another hospital’s patients or appointments, in the same placement', async () => {
    const list = doc<PageData>(`query { patients(first: 100, search: "Reads00") { edges { node { id appointments(first: 10) { id } } } } }`);
    const lookup = doc<{ patient: Node | null }>(`query ($id: ID!) { patient(id: $id) { id appointments(first: 10) { id } } }`);
    const ours = await gw.gql(list, {}, doctor);
    expect(ours.data!.patients.edges.map((e) => e.node.id)).not.toContain(otherPatientId);
    expect(ours.data!.patients.edges.length).toBeGreaterThan(0);
    const foreign = await gw.gql(lookup, { id: otherPatientId }, doctor);
    const missing = await gw.gql(lookup, { id: '00000000-0000-4000-8000-000000000000' }, doctor);
    expect(foreign).toEqual(missing);
    expect(foreign.data).toEqual({ patient: null });
    // Its own hospital sees it, with its appointment.
    const theirs = await gw.gql(lookup, { id: otherPatientId }, other);
    expect((theirs.data!.patient!.appointments as unknown[]).length).toBe(1);
  });

  it('refuses to write SQL for a fork bound to no hospital', () => {
    expect(() => new PlacementSql(gw.tenancy.central.em.fork() as never)).toThrow(/needs a fork bound to a tenant/);
  });
});
