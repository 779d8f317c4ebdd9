import { SessionLock } from './session-lock';

/**
 * Shows that a hospital's provisioning is still running: the SessionLock of its tenant id, held from
 * before its catalog entry is written until it is ACTIVE or undone.
 */
export type ProvisioningLock = SessionLock;

export const ProvisioningLock = {
  /** Takes the lock of `tenantId`; null when another session holds it. */
  take: (catalogUrl: string, tenantId: string): Promise<ProvisioningLock | null> =>
    SessionLock.take(catalogUrl, `sovereign-provisioning:${tenantId}`, { purpose: 'provisioning' }),
};
