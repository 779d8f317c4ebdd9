import {
  AppointmentsDocument, EncountersDocument, HospitalSettingsDocument, InvoicesDocument, LabOrdersDocument, PatientOverviewDocument,
  RecordAllergyDocument, RecordClinicalNotesDocument, UpdateHospitalSettingsDocument,
} from '../../e2e/generated/graphql';
import { updateSettings } from '../../../src/modules/settings/settings.service';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { whileHeld } from '../../fixtures/races';
import { addPatient, addStaff } from '../../fixtures/staff';

describe('hospital settings and modules', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'settings' });
  });
  afterAll(() => gw.stop());

  it('starts with defaults and every module enabled', async () => {
    const read = await gw.gql(HospitalSettingsDocument, {}, admin);
    expect(read.data?.hospitalSettings).toEqual({
      timezone: 'UTC', currency: 'USD', locale: 'en-US', brandName: null, logoUrl: null, primaryColor: null,
      enabledModules: ['APPOINTMENTS', 'CLINICAL', 'LAB', 'BILLING'], requireMfa: false, updatedAt: expect.any(String),
    });
  });

  it('lets an ADMIN set time zone, currency, locale and branding, and any staff member read them', async () => {
    const input = { timezone: 'Europe/Paris', currency: 'EUR', locale: 'fr-FR', brandName: 'Hôpital Sud', logoUrl: 'https://cdn.example.org/logo.png', primaryColor: '#0057B8' };
    expect((await gw.gql(UpdateHospitalSettingsDocument, { input }, admin)).data?.updateHospitalSettings).toMatchObject(input);
    const receptionist = await addStaff(gw, admin.slug, 'RECEPTIONIST');
    expect((await gw.gql(HospitalSettingsDocument, {}, receptionist)).data?.hospitalSettings).toMatchObject(input);
    expect(errorCode(await gw.gql(UpdateHospitalSettingsDocument, { input: { timezone: 'UTC' } }, receptionist))).toBe('FORBIDDEN');
  });

  it('refuses an unknown time zone, currency, locale, colour or a non-https logo, naming every field', async () => {
    const input = { timezone: 'Mars/Olympus', currency: 'XYZ', locale: 'not a locale!', primaryColor: 'blue', logoUrl: 'http://x.example/logo.png' };
    const result = await gw.gql(UpdateHospitalSettingsDocument, { input }, admin);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    const second = await gw.gql(UpdateHospitalSettingsDocument, { input: { timezone: 'Mars/Olympus', currency: 'XYZ', locale: 'not a locale!' } }, admin);
    expect(Object.keys(second.errors![0]!.extensions!.fields as object).sort()).toEqual(['currency', 'locale', 'timezone']);
    expect(Object.keys(result.errors![0]!.extensions!.fields as object).sort()).toEqual(['logoUrl', 'primaryColor']);
  });

  it('applies two first changes sent at once one after the other (the second waits, then sees the row the first inserted)', async () => {
    const fresh = await gw.createTenant({ slug: 'settings-race' });
    const [first, second] = await whileHeld(gw, fresh.slug, (em) => updateSettings(em, { timezone: 'Europe/Paris' }), (em) => updateSettings(em, { currency: 'EUR' }));
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'fulfilled', value: { timezone: 'Europe/Paris', currency: 'EUR' } });
    expect((await gw.gql(HospitalSettingsDocument, {}, fresh)).data?.hospitalSettings).toMatchObject({ timezone: 'Europe/Paris', currency: 'EUR' });
  });

  it('refuses every operation of a disabled module with FORBIDDEN and reason MODULE_DISABLED, until it is enabled again', async () => {
    const patientId = await addPatient(gw, admin, 'Modules');
    await gw.gql(UpdateHospitalSettingsDocument, { input: { enabledModules: [] } }, admin);
    for (const result of [
      await gw.gql(AppointmentsDocument, {}, admin),
      await gw.gql(EncountersDocument, { patientId }, admin),
      await gw.gql(LabOrdersDocument, {}, admin),
      await gw.gql(InvoicesDocument, {}, admin),
    ]) {
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'MODULE_DISABLED' });
    }
    const overview = await gw.gql(PatientOverviewDocument, { first: 5 }, admin);
    expect(overview.errors?.map((e) => e.extensions?.reason)).toEqual(expect.arrayContaining(['MODULE_DISABLED']));
    await gw.gql(UpdateHospitalSettingsDocument, { input: { enabledModules: ['BILLING'] } }, admin);
    expect((await gw.gql(InvoicesDocument, {}, admin)).errors).toBeUndefined();
    expect(errorCode(await gw.gql(LabOrdersDocument, {}, admin))).toBe('FORBIDDEN');
  });

  it('refuses allergies and clinical notes, written or read on a patient, while the CLINICAL module is disabled', async () => {
    const fresh = await gw.createTenant({ slug: 'settings-clinical' });
    const doctor = await addStaff(gw, fresh.slug, 'DOCTOR');
    const patientId = await addPatient(gw, fresh, 'Clinical');
    const chart = `{ patient(id: "${patientId}") { lastName clinicalNotes allergies { substance } } }`;
    const read = async () => (await gw.raw(`/t/${fresh.slug}/graphql`, { query: chart }, { authorization: `Bearer ${doctor.token}` }).then((r) => r.json())) as {
      data: { patient: { lastName: string; clinicalNotes: string | null; allergies: unknown[] | null } };
      errors?: { path: string[]; extensions: Record<string, unknown> }[];
    };
    const writes = () => Promise.all([
      gw.gql(RecordAllergyDocument, { input: { patientId, substance: 'Penicillin', severity: 'SEVERE' } }, doctor),
      gw.gql(RecordClinicalNotesDocument, { patientId, notes: 'Rash after penicillin' }, doctor),
    ]);
    await gw.gql(UpdateHospitalSettingsDocument, { input: { enabledModules: ['APPOINTMENTS', 'LAB', 'BILLING'] } }, fresh);
    for (const result of await writes()) {
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'MODULE_DISABLED', module: 'CLINICAL' });
    }
    const hidden = await read();
    expect(hidden.data.patient).toEqual({ lastName: 'Clinical', clinicalNotes: null, allergies: null });
    expect(hidden.errors?.map((e) => [e.path.join('.'), e.extensions.reason]).sort()).toEqual([
      ['patient.allergies', 'MODULE_DISABLED'], ['patient.clinicalNotes', 'MODULE_DISABLED'],
    ]);
    await gw.gql(UpdateHospitalSettingsDocument, { input: { enabledModules: ['APPOINTMENTS', 'CLINICAL', 'LAB', 'BILLING'] } }, fresh);
    for (const result of await writes()) expect(result.errors).toBeUndefined();
    const shown = await read();
    expect(shown.errors).toBeUndefined();
    expect(shown.data.patient).toEqual({ lastName: 'Clinical', clinicalNotes: 'Rash after penicillin', allergies: [{ substance: 'Penicillin' }] });
  });
});
