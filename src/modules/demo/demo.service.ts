import type { MikroORM } from '@mikro-orm/core';
import { BadInputError, ConflictError, NotFoundError } from '../../errors';
import type { Tenancy, TenantRecord } from '../../tenancy';
import { DemoRequest, DemoRequestStatus } from '../../tenancy/catalog';
import { hospitalNameProblem } from '../../tenancy/provisioning';
import { emailProblem, longTextProblem, optionalTextProblem, phoneProblem, singleLineProblem } from '../../text-rules';
import type { Page } from '../common/connection';
import { isUuid } from '../common/ids';
import { paginate } from '../common/paginate';
import { generateInitialPassword } from '../platform/initial-password';
import { createTenant } from '../platform/tenant.service';
import { normaliseEmail } from '../users/email';
import type { ConvertDemoToTenantInput, RequestDemoInput } from './demo.types';

const MAX_MESSAGE = 2000;

/**
 * Stores a public demo request (at most DEMO_REQUESTS_PER_HOUR per client address: see RateLimits). The
 * hospital name and the email become the hospital's and its first ADMIN's on conversion, so they are
 * checked as provisioning and every account check them: a request that could never be converted is
 * refused when it is made. The contact's name is one line of 1–200 characters, like the hospital's;
 * the phone and the message are optional (null or absent: none; blank is refused), the message at
 * most MAX_MESSAGE characters. Every problem is reported at once.
 */
export async function requestDemo(central: MikroORM, input: RequestDemoInput, clientAddress: string | null): Promise<DemoRequest> {
  const email = normaliseEmail(input.email);
  const problems = Object.entries({
    hospitalName: hospitalNameProblem(input.hospitalName),
    contactName: singleLineProblem(input.contactName, 200),
    email: emailProblem(email),
    phone: optionalTextProblem(input.phone, phoneProblem),
    message: optionalTextProblem(input.message, (message) => longTextProblem(message, MAX_MESSAGE)),
  }).filter(([, problem]) => problem);
  if (problems.length > 0) throw BadInputError.forFields(Object.fromEntries(problems) as Record<string, string>);
  const em = central.em.fork();
  const request = em.create(DemoRequest, {
    hospitalName: input.hospitalName.trim(),
    contactName: input.contactName.trim(),
    email,
    phone: input.phone?.trim() || null,
    message: input.message?.trim() || null,
    clientAddress,
  } as DemoRequest);
  await em.flush();
  return request;
}

export function listDemoRequests(central: MikroORM, args: { first: number; after?: string | null; status?: DemoRequestStatus }): Promise<Page<DemoRequest>> {
  return paginate(central.em.fork() as never, DemoRequest, args.status ? { status: args.status } : {}, args, { createdAt: 'desc', id: 'desc' });
}

/**
 * Provisions a hospital from a pending demo request: its name and contact details, the requester as
 * its first ADMIN with a generated initial password (returned once). The request is claimed first by
 * a conditional update, so it is converted once (a second attempt is a CONFLICT); if provisioning
 * fails, the claim is released. (Provisioning is not nested in a catalog transaction: MikroORM's
 * transaction context would carry the catalog EntityManager into the hospital's work.)
 */
export async function convertDemoToTenant(tenancy: Tenancy, input: ConvertDemoToTenantInput): Promise<{ tenant: TenantRecord; adminEmail: string; initialPassword: string }> {
  if (!isUuid(input.demoRequestId)) throw NotFoundError.forEntity('Demo request', input.demoRequestId);
  const em = tenancy.central.em.fork();
  const request = await em.findOne(DemoRequest, { id: input.demoRequestId });
  if (!request) throw NotFoundError.forEntity('Demo request', input.demoRequestId);
  const claimed = await em.nativeUpdate(DemoRequest, { id: request.id, status: DemoRequestStatus.PENDING }, { status: DemoRequestStatus.CONVERTED, convertedAt: new Date() });
  if (claimed === 0) throw ConflictError.because('This demo request has already been converted');
  try {
    const initialPassword = generateInitialPassword();
    const tenant = await createTenant(tenancy, {
      slug: input.slug,
      name: request.hospitalName,
      isolation: input.isolation,
      plan: input.plan,
      server: input.server,
      contactEmail: request.email,
      contactPhone: request.phone ?? undefined,
      admin: { email: request.email, password: initialPassword },
    });
    await em.nativeUpdate(DemoRequest, { id: request.id }, { tenantId: tenant.id });
    return { tenant, adminEmail: request.email, initialPassword };
  } catch (error) {
    await em.nativeUpdate(DemoRequest, { id: request.id }, { status: DemoRequestStatus.PENDING, convertedAt: null });
    throw error;
  }
}
