import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthError, ConflictError } from '../../errors';
import type { Page } from '../common/connection';
import { archivedPatient, findForUpdate, findOrFail } from '../common/lookup';
import { paginate } from '../common/paginate';
import { Patient } from '../patients/patient.entity';
import { LAB_TRANSITIONS, LabOrder, LabOrderStatus, LabResult } from './lab.entity';
import type { LabOrdersArgs, OrderLabTestInput, RecordLabResultInput } from './lab.inputs';

function requireActor(actorId: string | null, what: string): string {
  if (!actorId) throw AuthError.forbidden(`${what} is recorded by the hospital’s own staff`);
  return actorId;
}

function move(order: LabOrder, to: LabOrderStatus): void {
  if (!LAB_TRANSITIONS[order.status].includes(to)) throw ConflictError.because(`A lab order cannot go from ${order.status} to ${to}`);
  order.status = to;
}

export async function orderLabTest(em: EntityManager, input: OrderLabTestInput, actorId: string | null): Promise<LabOrder> {
  const orderedById = requireActor(actorId, 'A lab order');
  const patient = await findOrFail(em, Patient, input.patientId, 'Patient');
  const order = em.create(LabOrder, { patientId: patient.id, orderedById, testCode: input.testCode.trim(), testName: input.testName.trim() } as LabOrder);
  await em.flush().catch((error: unknown) => { throw archivedPatient(error) ?? error; });
  return order;
}

/** The order is locked first, so a concurrent cancellation, collection or result waits and then sees this one's status. */
export async function setLabOrderStatus(em: EntityManager, id: string, status: LabOrderStatus.COLLECTED | LabOrderStatus.CANCELLED): Promise<LabOrder> {
  const order = await findForUpdate(em, LabOrder, id, 'LabOrder');
  move(order, status);
  await em.flush();
  return order;
}

/** Records one analyte's result and marks the order RESULTED (more analytes may follow; a cancelled order takes none). */
export async function recordLabResult(em: EntityManager, input: RecordLabResultInput, actorId: string | null): Promise<LabResult> {
  const recordedById = requireActor(actorId, 'A lab result');
  const order = await findForUpdate(em, LabOrder, input.labOrderId, 'LabOrder');
  move(order, LabOrderStatus.RESULTED);
  const result = em.create(LabResult, {
    labOrderId: order.id,
    patientId: order.patientId,
    recordedById,
    analyte: input.analyte.trim(),
    value: input.value.trim(),
    unit: input.unit?.trim() ?? '',
    referenceRange: input.referenceRange?.trim() ?? '',
    abnormal: input.abnormal,
  } as LabResult);
  await em.flush();
  return result;
}

export function listLabOrders(em: EntityManager, args: LabOrdersArgs): Promise<Page<LabOrder>> {
  const where: Record<string, unknown> = {};
  if (args.filter?.patientId) where.patientId = args.filter.patientId;
  if (args.filter?.status?.length) where.status = { $in: args.filter.status };
  return paginate(em, LabOrder, where, args, { orderedAt: 'desc', id: 'desc' });
}
