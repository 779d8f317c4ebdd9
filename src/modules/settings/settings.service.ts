import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../errors';
import { lockTenantScope } from '../../tenancy';
import { HospitalSettings } from './settings.entity';
import type { UpdateHospitalSettingsInput } from './settings.inputs';

function timezoneProblem(tz: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return null;
  } catch {
    return 'must be an IANA time zone such as Europe/Paris';
  }
}

function localeProblem(locale: string): string | null {
  try {
    return Intl.getCanonicalLocales(locale).length === 1 ? null : 'must be one BCP 47 tag';
  } catch {
    return 'must be a BCP 47 tag such as fr-FR';
  }
}

// Read once per request (the request's EntityManager): sign-in checks and module checks both need them.
const perRequest = new WeakMap<EntityManager, Promise<HospitalSettings>>();

/** The hospital's settings; defaults (not stored) when nobody has changed them yet. */
export function getSettings(em: EntityManager): Promise<HospitalSettings> {
  let settings = perRequest.get(em);
  if (!settings) {
    settings = em.findOne(HospitalSettings, {}).then((found) => found ?? new HospitalSettings());
    perRequest.set(em, settings);
  }
  return settings;
}

/** Seeds this request's settings from the row the request's opening statement read (null: defaults). */
export function primeSettings(em: EntityManager, row: Record<string, unknown> | null): void {
  perRequest.set(em, Promise.resolve(row ? em.map(HospitalSettings, row as never) : new HospitalSettings()));
}

/** Whether the hospital requires every user to sign in with a second factor. */
export async function requiresMfa(em: EntityManager): Promise<boolean> {
  return (await getSettings(em)).requireMfa;
}

export async function updateSettings(em: EntityManager, input: UpdateHospitalSettingsInput): Promise<HospitalSettings> {
  const problems: Record<string, string> = {};
  const tz = input.timezone ? timezoneProblem(input.timezone) : null;
  if (tz) problems.timezone = tz;
  const locale = input.locale ? localeProblem(input.locale) : null;
  if (locale) problems.locale = locale;
  if (input.currency && !Intl.supportedValuesOf('currency').includes(input.currency)) problems.currency = 'is not a known ISO 4217 currency';
  if (Object.keys(problems).length > 0) throw BadInputError.forFields(problems);
  // Changes queue behind each other, so the first one inserts the row and the others see it.
  await lockTenantScope(em, 'hospital-settings');
  let settings = await em.findOne(HospitalSettings, {}, { refresh: true });
  settings ??= em.create(HospitalSettings, {} as HospitalSettings);
  for (const key of ['timezone', 'currency', 'locale'] as const) {
    if (input[key]) settings[key] = input[key]!;
  }
  for (const key of ['brandName', 'logoUrl', 'primaryColor'] as const) {
    if (input[key] !== undefined) settings[key] = input[key] ?? null;
  }
  if (input.enabledModules) settings.enabledModules = [...new Set(input.enabledModules)];
  if (input.requireMfa !== undefined && input.requireMfa !== null) settings.requireMfa = input.requireMfa;
  await em.flush();
  perRequest.set(em, Promise.resolve(settings));
  return settings;
}
