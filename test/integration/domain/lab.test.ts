import type { EntityManager } from '@mikro-orm/postgresql';
import { LabOrderStatus } from '../../../src/modules/lab/lab.entity';
import { recordLabResult, setLabOrderStatus } from '../../../src/modules/lab/lab.service';
import { CancelLabOrderDocument, CollectLabSampleDocument, LabOrderDocument, LabOrdersDocument, OrderLabTestDocument, RecordLabResultDocument } from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff, type Staff } from '../../fixtures/staff';

describe('laboratory', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let doctor: Staff;
  let tech: Staff;
  let patientId: string;

  const order = async () => (await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: '718-7', testName: 'Haemoglobin' } }, doctor)).data!.orderLabTest.id;
  const hb = (labOrderId: string) => ({ labOrderId, analyte: 'Haemoglobin', value: '10.1', unit: 'g/dL', referenceRange: '13.5–17.5', abnormal: true });

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'lab' });
    doctor = await addStaff(gw, admin.slug, 'DOCTOR');
    tech = await addStaff(gw, admin.slug, 'LAB_TECH');
    patientId = await addPatient(gw, admin, 'Sampled');
  });
  afterAll(() => gw.stop());

  it('goes from a doctor’s order through collection to a lab tech’s flagged result', async () => {
    const id = await order();
    expect((await gw.gql(CollectLabSampleDocument, { id }, tech)).data?.collectLabSample.status).toBe('COLLECTED');
    const recorded = await gw.gql(RecordLabResultDocument, { input: hb(id) }, tech);
    expect(recorded.data?.recordLabResult).toMatchObject({ value: '10.1', unit: 'g/dL', referenceRange: '13.5–17.5', abnormal: true });
    const read = await gw.gql(LabOrderDocument, { id }, doctor);
    expect(read.data?.labOrder).toMatchObject({ status: 'RESULTED', orderedBy: { id: doctor.id }, results: [{ analyte: 'Haemoglobin' }] });
  });

  it.each([
    ['collect a cancelled order', 'CANCELLED', async (id: string) => { await gw.gql(CancelLabOrderDocument, { id }, doctor); return gw.gql(CollectLabSampleDocument, { id }, tech); }],
    ['record a result on a cancelled order', 'CANCELLED', async (id: string) => { await gw.gql(CancelLabOrderDocument, { id }, doctor); return gw.gql(RecordLabResultDocument, { input: hb(id) }, tech); }],
    ['cancel a resulted order', 'RESULTED', async (id: string) => { await gw.gql(RecordLabResultDocument, { input: hb(id) }, tech); return gw.gql(CancelLabOrderDocument, { id }, doctor); }],
    ['collect twice', 'COLLECTED', async (id: string) => { await gw.gql(CollectLabSampleDocument, { id }, tech); return gw.gql(CollectLabSampleDocument, { id }, tech); }],
  ])('refuses to %s with CONFLICT, leaving the order %s', async (_name, kept, attempt) => {
    const id = await order();
    expect(errorCode(await attempt(id))).toBe('CONFLICT');
    const after = (await gw.gql(LabOrderDocument, { id }, doctor)).data?.labOrder;
    expect(after?.status).toBe(kept);
    expect(after?.results.length).toBe(kept === 'RESULTED' ? 1 : 0);
  });

  type Change = (id: string) => (em: EntityManager) => Promise<unknown>;
  const cancel: Change = (id) => (em) => setLabOrderStatus(em, id, LabOrderStatus.CANCELLED);
  const result: Change = (id) => (em) => recordLabResult(em, hb(id), tech.id);

  it.each<[string, string, number, Change, Change]>([
    ['cancelled while a result is recorded', 'CANCELLED', 0, cancel, result],
    ['resulted while it is cancelled', 'RESULTED', 1, result, cancel],
  ])('keeps an order %s as %s: the change that waited for the other is CONFLICT', async (_name, kept, results, first, second) => {
    const id = await order();
    const [done, waited] = await whileHeld(gw, admin.slug, first(id), second(id));
    expect(done.status).toBe('fulfilled');
    expect(waited).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    const after = (await gw.gql(LabOrderDocument, { id }, doctor)).data?.labOrder;
    expect(after?.status).toBe(kept);
    expect(after?.results.length).toBe(results);
  });

  it('keeps ordering to doctors and results to lab techs', async () => {
    const id = await order();
    expect(errorCode(await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: 'X', testName: 'X' } }, tech))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(RecordLabResultDocument, { input: hb(id) }, doctor))).toBe('FORBIDDEN');
    const nurse = await addStaff(gw, admin.slug, 'NURSE');
    expect((await gw.gql(LabOrdersDocument, { filter: { patientId } }, nurse)).data?.labOrders.totalCount).toBeGreaterThan(0);
    expect(errorCode(await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: 'X', testName: 'X' } }, nurse))).toBe('FORBIDDEN');
  });

  it('lets a hospital ADMIN read lab orders but neither order, cancel, collect nor record results', async () => {
    const id = await order();
    expect((await gw.gql(LabOrderDocument, { id }, admin)).data?.labOrder?.status).toBe('ORDERED');
    expect(errorCode(await gw.gql(OrderLabTestDocument, { input: { patientId, testCode: 'X', testName: 'X' } }, admin))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(CancelLabOrderDocument, { id }, admin))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(CollectLabSampleDocument, { id }, admin))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(RecordLabResultDocument, { input: hb(id) }, admin))).toBe('FORBIDDEN');
    expect((await gw.gql(LabOrderDocument, { id }, doctor)).data?.labOrder).toMatchObject({ status: 'ORDERED', results: [] });
  });

  it.each(['RECEPTIONIST', 'BILLING'] as const)('hides lab orders and results from %s', async (role) => {
    const staff = await addStaff(gw, admin.slug, role);
    expect(errorCode(await gw.gql(LabOrdersDocument, {}, staff))).toBe('FORBIDDEN');
  });

  it('filters lab orders by status', async () => {
    const list = await gw.gql(LabOrdersDocument, { first: 100, filter: { status: ['CANCELLED'] } }, doctor);
    expect(list.data!.labOrders.totalCount).toBeGreaterThan(0);
    expect(list.data!.labOrders.edges.every((e) => e.node.status === 'CANCELLED')).toBe(true);
  });
});
