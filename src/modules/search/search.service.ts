import type { EntityManager } from '@mikro-orm/postgresql';
import { fullTextRank } from '../../tenancy';
import { Appointment } from '../appointments/appointment.entity';
import { LabOrder } from '../lab/lab.entity';
import { escapeLike } from '../common/like';
import { Patient } from '../patients/patient.entity';
import { patientsMatching } from '../patients/patient-search';
import { SearchHit, SearchHitKind } from './search.types';

export interface SearchScope {
  appointments: boolean;
  labOrders: boolean;
}

/**
 * Patients ranked by PostgreSQL full-text rank over MRN and names (MRN and last name weigh more),
 * then prefix matches; then the appointments and lab orders of the best patients, and lab orders
 * whose test name or code matches. Archived patients are left out. `scope` drops what the caller's
 * role or the hospital's modules do not allow.
 */
export async function search(em: EntityManager, text: string, first: number, scope: SearchScope): Promise<SearchHit[]> {
  const patients = await em.find(
    Patient,
    { $and: [{ archivedAt: null }, patientsMatching(text)] },
    { orderBy: { [fullTextRank('search', text)]: 'desc', lastName: 'asc', id: 'asc' } as never, limit: first },
  );
  const hits: SearchHit[] = patients.map((patient, i) => ({ kind: SearchHitKind.PATIENT, score: 1 - i / (patients.length + 1), patient }));
  const patientIds = patients.map((p) => p.id);
  const rankOf = new Map(patientIds.map((id, i) => [id, 1 - i / (patients.length + 1)]));
  if (scope.appointments && patientIds.length) {
    const appointments = await em.find(Appointment, { patientId: { $in: patientIds } }, { orderBy: { startsAt: 'desc', id: 'asc' }, limit: first });
    hits.push(...appointments.map((appointment) => ({ kind: SearchHitKind.APPOINTMENT, score: rankOf.get(appointment.patientId)! * 0.9, appointment })));
  }
  if (scope.labOrders) {
    const escaped = escapeLike(text);
    const orders = await em.find(
      LabOrder,
      { $or: [{ patientId: { $in: patientIds } }, { testName: { $ilike: `%${escaped}%` } }, { testCode: { $ilike: `${escaped}%` } }] },
      { orderBy: { orderedAt: 'desc', id: 'asc' }, limit: first },
    );
    hits.push(...orders.map((labOrder) => ({ kind: SearchHitKind.LAB_ORDER, score: (rankOf.get(labOrder.patientId) ?? 1) * 0.8, labOrder })));
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, first);
}
