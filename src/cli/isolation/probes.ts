import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import { Patient } from '../../modules/patients/patient.entity';
import { createUser } from '../../modules/users/user.service';
import { User } from '../../modules/users/user.entity';
import { NotFoundError } from '../../errors';
import { runInTenant, TenantStatus, type Tenancy, type TenantRecord } from '../../tenancy';
import { MAIN_SERVER } from '../../tenancy/placement';
import { SessionLock } from '../../tenancy/session-lock';
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
  /** Held while the probe exists: a probe whose lock is free was left by a run that died. */
  lock: SessionLock;
}

/**
 * A probe user's address names its own id. No API call chooses a user's id (each is drawn at random
 * when the user is created), so no user created through the API, whatever address it was given, nor
 * any that exists already, has the address of its id: that, not the address alone, marks a probe.
 */
const probeEmail = (userId: string) => `isolation-probe-${userId}@probe.invalid`;
const PROBE_EMAILS = 'isolation-probe-%@probe.invalid';
const lockName = (email: string) => `sovereign-isolation-probe:${email}`;

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';

/** The hospital `slug`, which a probe needs ACTIVE. */
export async function activeHospital(tenancy: Tenancy, slug: string): Promise<TenantRecord> {
  const tenant = await tenancy.store.bySlug(slug);
  if (tenant?.status !== TenantStatus.ACTIVE) throw NotFoundError.forEntity('Active hospital', slug);
  return tenant;
}

/**
 * Creates a probe user inside `slug` through the tenancy core (adding it to `opened` at once, so that
 * a run stopped now still removes it), then signs it in over HTTP.
 */
export async function openProbe(tenancy: Tenancy, client: GatewayClient, slug: string, opened: Probe[]): Promise<Probe> {
  const tenant = await activeHospital(tenancy, slug);
  const id = randomUUID();
  const email = probeEmail(id);
  const password = randomBytes(24).toString('base64url');
  const lock = (await SessionLock.take(tenancy.servers.ownerUrl(MAIN_SERVER), lockName(email), { purpose: 'verify-isolation' }))!;
  let user: User;
  try {
    user = await runInTenant(tenancy.pools, tenant, (em) => createUser(em, { id, email, password, roles: ['ADMIN'], displayName: 'Isolation probe' }), tenancy.relocate);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const probe: Probe = { slug, tenant, email, password, userId: user.id, token: '', patientIds: [], lock };
  opened.push(probe);
  const answer = await client.call(`/t/${slug}/graphql`, LOGIN, { email, password }).catch((error: unknown) => ({ status: 0, errors: [{ message: String(error) }] }));
  const token = (answer as { data?: { login?: { token?: string } } }).data?.login?.token;
  if (!token) {
    await closeProbe(tenancy, probe);
    opened.splice(opened.indexOf(probe), 1);
    throw new Error(`The probe could not sign in to ${slug} over HTTP: ${JSON.stringify(answer.errors ?? answer)}`);
  }
  probe.token = token;
  return probe;
}

/** Removes the probe's patients (every patient it registered) and the probe user. */
export async function closeProbe(tenancy: Tenancy, probe: Probe): Promise<void> {
  await runInTenant(tenancy.pools, probe.tenant, (em) => removeProbeUser(em, probe.userId), tenancy.relocate);
  await probe.lock.release();
}

async function removeProbeUser(em: EntityManager, userId: string): Promise<void> {
  await em.nativeDelete(Patient, { createdById: userId });
  await em.nativeDelete(User, { id: userId });
}

/**
 * Removes the probes that runs which died (killed, or their machine lost) left in the hospital: probe
 * users (whose address names their id) whose lock no process holds, with their patients. Probes of a
 * run still under way are left alone. Returns how many it removed.
 */
export async function removeLeftoverProbes(tenancy: Tenancy, tenant: TenantRecord): Promise<number> {
  return runInTenant(
    tenancy.pools,
    tenant,
    async (em) => {
      let removed = 0;
      const probes = (await em.find(User, { email: { $like: PROBE_EMAILS } })).filter((user) => user.email === probeEmail(user.id));
      for (const user of probes) {
        const lock = await SessionLock.take(tenancy.servers.ownerUrl(MAIN_SERVER), lockName(user.email), { purpose: 'verify-isolation' });
        if (!lock) continue;
        try {
          await removeProbeUser(em, user.id);
          removed += 1;
        } finally {
          await lock.release();
        }
      }
      return removed;
    },
    tenancy.relocate,
  );
}

/** The probe's patient as stored, read through the tenancy core (not the API under test). */
export async function storedPatient(tenancy: Tenancy, probe: Probe, id: string): Promise<Patient | null> {
  return runInTenant(tenancy.pools, probe.tenant, (em) => em.findOne(Patient, { id }), tenancy.relocate);
}
