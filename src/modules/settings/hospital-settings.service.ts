import type { EntityManager } from '@mikro-orm/postgresql';
import { HospitalSettings } from './hospital-settings.entity';
import type { UpdateHospitalSettingsInput } from './hospital-settings.inputs';

/** The hospital's settings, or the defaults (not stored) when it never changed any. */
export async function getHospitalSettings(em: EntityManager): Promise<HospitalSettings> {
  return (await em.findOne(HospitalSettings, {})) ?? new HospitalSettings();
}

/** Whether the hospital requires every user to sign in with a second factor. */
export async function requiresMfa(em: EntityManager): Promise<boolean> {
  return (await getHospitalSettings(em)).requireMfa;
}

export async function updateHospitalSettings(em: EntityManager, input: UpdateHospitalSettingsInput): Promise<HospitalSettings> {
  const settings = (await em.findOne(HospitalSettings, {})) ?? em.create(HospitalSettings, {} as HospitalSettings);
  if (input.requireMfa !== undefined && input.requireMfa !== null) settings.requireMfa = input.requireMfa;
  await em.flush();
  return settings;
}
