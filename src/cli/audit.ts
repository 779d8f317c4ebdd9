import { userInfo } from 'node:os';
import { DomainError } from '../errors';
import { recordPlatformAudit } from '../modules/audit/audit.service';
import type { Tenancy } from '../tenancy';

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * Runs one operator action and records it in the central platform audit (source CLI, the operating
 * system user as actor), whether it succeeds or fails; the action's error is rethrown.
 */
export async function audited<T extends { id?: string; slug?: string } | void>(
  tenancy: Tenancy,
  operation: string,
  target: { slug?: string },
  action: () => Promise<T>,
): Promise<T> {
  const base = { operation, actorEmail: operator(), source: 'CLI' as const };
  try {
    const result = await action();
    const found = (result ?? {}) as { id?: string; slug?: string };
    await recordPlatformAudit(tenancy.central, [{ ...base, outcome: 'SUCCESS', tenantId: found.id ?? null, tenantSlug: found.slug ?? target.slug ?? null, recordIds: found.id ? [found.id] : [] }]);
    return result;
  } catch (error) {
    const code = error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR';
    await recordPlatformAudit(tenancy.central, [{ ...base, outcome: 'FAILURE', errorCode: code, tenantSlug: target.slug ?? null }]).catch(() => undefined);
    throw error;
  }
}
