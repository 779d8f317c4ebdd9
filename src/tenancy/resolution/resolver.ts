import { TenantError } from '../../errors';
import { TenantStatus } from '../catalog';
import type { TenantRecord } from '../tenant-record';
import type { RequestDigest } from './digest';
import { headerStrategy, hostStrategy, pathStrategy, type ResolutionStrategy, type TenantIdentifier } from './strategies';
import type { TenantStore } from './tenant-store';

/**
 * Resolves the hospital a request is for: runs an ordered list of strategies (path, host, header),
 * looks every identifier up, and requires them to agree. No identifier means the central context (null).
 * Unknown → TENANT_NOT_FOUND, disagreeing sources → TENANT_MISMATCH, suspended → TENANT_SUSPENDED.
 */
export class TenantResolver {
  private readonly strategies: ResolutionStrategy[];

  constructor(
    private readonly store: TenantStore,
    baseDomain: string,
  ) {
    this.strategies = [pathStrategy, hostStrategy(baseDomain), headerStrategy];
  }

  async resolve(digest: RequestDigest): Promise<TenantRecord | null> {
    const identifiers = this.strategies.map((s) => s(digest)).filter((i): i is TenantIdentifier => i !== null);
    if (identifiers.length === 0) return null;
    const found = await Promise.all(identifiers.map((i) => this.lookup(i)));
    if (found.some((t) => t === null || !isVisible(t))) throw TenantError.notFound();
    const tenants = found as TenantRecord[];
    if (tenants.some((t) => t.id !== tenants[0]!.id)) throw TenantError.mismatch();
    const tenant = tenants[0]!;
    if (tenant.status === TenantStatus.SUSPENDED) throw TenantError.suspended();
    return tenant;
  }

  private async lookup(identifier: TenantIdentifier): Promise<TenantRecord | null> {
    switch (identifier.kind) {
      case 'slug':
        return this.store.bySlug(identifier.value);
      case 'domain':
        return this.store.byDomain(identifier.value);
      case 'slugOrId':
        return (await this.store.bySlug(identifier.value)) ?? (await this.store.byId(identifier.value));
    }
  }
}

function isVisible(t: TenantRecord | null): boolean {
  return t !== null && (t.status === TenantStatus.ACTIVE || t.status === TenantStatus.SUSPENDED);
}
