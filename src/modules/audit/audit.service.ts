import type { FilterQuery, MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { boundPlacement } from '../../tenancy/guards';
import { PlatformAuditEntry } from '../../tenancy/catalog';
import type { Page } from '../common/connection';
import { paginate } from '../common/paginate';
import { AuditEntry } from './audit-entry.entity';
import type { AuditLogFilter } from './audit.inputs';

/** What one audited operation inside a hospital records (the tenant is stamped by the write guard). */
export type TenantAuditRecord = Pick<AuditEntry, 'actorId' | 'actorKind' | 'actorRole' | 'operation' | 'operationType' | 'recordIds' | 'outcome' | 'errorCode' | 'clientAddress' | 'requestId' | 'detail'>;

/** What one platform action records centrally. */
export type PlatformAuditRecord = Partial<Omit<PlatformAuditEntry, 'id' | 'at'>> & Pick<PlatformAuditEntry, 'operation' | 'outcome'>;

/**
 * Appends entries to the bound hospital's audit trail (in the caller's transaction), as one insert
 * that bypasses the unit of work (nothing to track: entries are never changed). The tenant is the
 * fork's, stamped here as the write guard would, and row-level security checks it again.
 */
export async function recordTenantAudit(em: EntityManager, records: TenantAuditRecord[]): Promise<void> {
  const { tenantId, schema } = boundPlacement(em, 'an audit entry');
  const at = new Date();
  await em.insertMany(AuditEntry, records.map((record) => ({ ...record, id: randomUUID(), at, tenantId })), { schema });
}

/** Appends entries to the central trail of platform actions. */
export async function recordPlatformAudit(central: MikroORM, records: PlatformAuditRecord[]): Promise<void> {
  const em = central.em.fork();
  for (const record of records) em.create(PlatformAuditEntry, { ...record, at: new Date() } as PlatformAuditEntry);
  await em.flush();
}

/** The hospital's trail, newest first, filtered (the filter's ids and text were checked as input: only null or absent is no condition). */
export async function listAuditLog(em: EntityManager, args: { first: number; after?: string | null; filter?: AuditLogFilter }): Promise<Page<AuditEntry>> {
  const f = args.filter ?? {};
  const where: FilterQuery<AuditEntry> = {};
  if (f.actorId != null) where.actorId = f.actorId;
  if (f.operation != null) where.operation = f.operation;
  if (f.outcome != null) where.outcome = f.outcome;
  if (f.recordId != null) where.recordIds = { $contains: [f.recordId] };
  if (f.from || f.to) where.at = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
  return paginate(em, AuditEntry, where, args, { at: 'desc', id: 'desc' });
}
