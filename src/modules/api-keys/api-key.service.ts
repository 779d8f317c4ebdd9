import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal, TenantRole } from '../../auth/principal';
import { formatApiKey, hashSecret, newSecret, secretMatches } from '../../auth/secrets';
import { BadInputError, ConflictError } from '../../errors';
import type { Page } from '../common/connection';
import { findForUpdate } from '../common/lookup';
import { paginate } from '../common/paginate';
import { ApiKey } from './api-key.entity';

const LAST_USED_RESOLUTION_MS = 60_000;

/** Creates a key and returns it with its secret, which is never stored or shown again. */
export async function createApiKey(em: EntityManager, input: { name: string; role: TenantRole }, createdById: string | null): Promise<{ key: string; apiKey: ApiKey }> {
  // A leaked key must not be able to create users or more keys.
  if (input.role === 'ADMIN') throw BadInputError.forFields({ role: 'API keys cannot hold ADMIN' });
  const secret = newSecret();
  const apiKey = em.create(ApiKey, { name: input.name.trim(), role: input.role, secretHash: hashSecret(secret), createdById } as ApiKey);
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw ConflictError.because('An active API key with this name already exists');
    throw error;
  }
  return { key: formatApiKey(apiKey.id, secret), apiKey };
}

export function listApiKeys(em: EntityManager, args: { first: number; after?: string | null }): Promise<Page<ApiKey>> {
  return paginate(em, ApiKey, {}, args, { createdAt: 'desc', id: 'asc' });
}

/**
 * Revokes a key: the next request made with it is refused. The row is locked, so concurrent
 * revocations run one after another and the later ones answer the key as the first revoked it.
 */
export async function revokeApiKey(em: EntityManager, id: string): Promise<ApiKey> {
  const apiKey = await findForUpdate(em, ApiKey, id, 'ApiKey');
  apiKey.revokedAt ??= new Date();
  await em.flush();
  return apiKey;
}

/**
 * The principal of a key presented to this hospital: only the hospital's own keys are visible
 * through the bound EntityManager, so another hospital's key is simply unknown here.
 */
export async function loadApiKeyPrincipal(em: EntityManager, keyId: string, secret: string): Promise<Principal | null> {
  const apiKey = await em.findOne(ApiKey, { id: keyId }, { populate: ['secretHash'] });
  if (!apiKey || apiKey.revokedAt || !secretMatches(secret, apiKey.secretHash)) return null;
  const now = new Date();
  if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: now });
  }
  return { kind: 'apiKey', id: apiKey.id, name: apiKey.name, tenantId: apiKey.tenantId, roles: [apiKey.role] };
}
