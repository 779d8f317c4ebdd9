import type { FilterQuery } from '@mikro-orm/core';
import { escapeLike } from '../common/like';
import type { Patient } from './patient.entity';

/**
 * What a patient search text matches: the full-text vector over MRN and names (any word order), or a
 * prefix of a name or the MRN. The one definition, for `patients(search:)` and for `search`.
 */
export function patientsMatching(text: string): FilterQuery<Patient> {
  const prefix = `${escapeLike(text)}%`;
  return { $or: [{ search: { $fulltext: text } }, { lastName: { $ilike: prefix } }, { firstName: { $ilike: prefix } }, { mrn: { $ilike: prefix } }] };
}
