import { randomBytes } from 'node:crypto';
import { Patient } from '../../modules/patients/patient.entity';
import { createUser } from '../../modules/users/user.service';
import { User } from '../../modules/users/user.entity';
import { NotFoundError } from '../../errors';
import { runInTenant, TenantStatus, type Tenancy, type TenantRecord } from '../../tenancy';
import type { GatewayClient } from './gateway-client';

/** A short-lived ADMIN account created in one hospital to probe the walls, and what it created. */
export interface Probe {
  slug: string;
  tenant: TenantRecord;
  email: string;
  password: string;
  userId: string;
  token: string;
  patientIds: string[];
}

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';

/** Creates a probe user inside `slug` through the tenancy core, then signs it in over HTTP. */
export async function openProbe(tenancy: Tenancy, client: GatewayClient, slug: string): Promise<Probe> {
  const tenant = await tenancy.store.bySlug(slug);
  if (tenant?.status !== TenantStatus.ACTIVE) throw NotFoundError.forEntity('Active hospital', slug);
  const email = `isolation-probe-${randomBytes(6).toString('hex')}@probe.invalid`;
  const password = randomBytes(24).toString('base64url');
  const user = await runInTenant(tenancy.pools, tenant, (em) => createUser(em, { email, password, roles: ['ADMIN'], displayName: 'Isolation probe' }), tenancy.relocate);
  const probe: Probe = { slug, tenant, email, password, userId: user.id, token: '', patientIds: [] };
  const answer = await client.call(`/t/${slug}/graphql`, LOGIN, { email, password }).catch((error: unknown) => ({ status: 0, errors: [{ message: String(error) }] }));
  const token = (answer as { data?: { login?: { token?: string } } }).data?.login?.token;
  if (!token) {
    await closeProbe(tenancy, probe);
    throw new Error(`The probe could not sign in to ${slug} over HTTP: ${JSON.stringify(answer.errors ?? answer)}`);
  }
  probe.token = token;
  return probe;
}

/** Removes the probe's patients and the probe user. */
export async function closeProbe(tenancy: Tenancy, probe: Probe): Promise<void> {
  await runInTenant(
    tenancy.pools,
    probe.tenant,
    async (em) => {
      if (probe.patientIds.length) await em.nativeDelete(Patient, { id: { $in: probe.patientIds } });
      await em.nativeDelete(User, { id: probe.userId });
    },
    tenancy.relocate,
  );
}

/** The probe's patient as stored, read through the tenancy core (not the API under test). */
export async function storedPatient(tenancy: Tenancy, probe: Probe, id: string): Promise<Patient | null> {
  return runInTenant(tenancy.pools, probe.tenant, (em) => em.findOne(Patient, { id }), tenancy.relocate);
}
