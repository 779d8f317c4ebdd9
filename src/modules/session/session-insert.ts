import { ReferenceKind, Utils, type EntityMetadata, type EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { boundPlacement } from '../../tenancy/guards';
import { quoteIdent } from '../../tenancy/placement';
import { columnOf } from '../../tenancy/placement-sql';
import type { AccountRow, SessionRow } from './accounts';

/** What a sign-in checked of an account, as it was stored when it checked it. */
export type CheckedCredentials = Pick<AccountRow, 'id' | 'passwordHash' | 'mfaSecret'>;

/**
 * Inserts a sign-in session only while its account still holds the credentials the sign-in checked
 * (the same password hash and second-factor secret, and still active), in one statement that reads
 * the account's row `for share`. A change of those credentials under way is waited for and then seen:
 * nothing is inserted. A change that comes later waits until the session is committed, so the
 * sessions it ends include this one. Both hold in a request's transaction (the lock lasts until it
 * ends) and statement by statement (the statement commits with its lock). The tenant, in a
 * placement, is stamped as the write guard would, and the statement conditions on it.
 */
export async function insertSessionIfHeld(em: EntityManager, users: EntityName<AccountRow>, sessions: EntityName<SessionRow>, session: SessionRow, held: CheckedCredentials): Promise<boolean> {
  // `session` is a new entity, not persisted: every column it has a value for is written.
  const s = metadata(em, sessions);
  const u = metadata(em, users);
  const where = placed(em, s);
  const value = (name: string) => (name === 'tenantId' ? where.tenantId : (session as unknown as Record<string, unknown>)[name]);
  const props = s.props.filter((p) => p.kind === ReferenceKind.SCALAR && p.persist !== false && p.fieldNames?.length && value(p.name) !== undefined);
  const same: [string, unknown][] = [['id', held.id], ['passwordHash', held.passwordHash], ...(where.tenantId ? [['tenantId', where.tenantId] as [string, unknown]] : [])];
  const sql =
    `insert into ${where.table(s)} (${props.map((p) => quoteIdent(p.fieldNames[0]!)).join(', ')}) ` +
    `select ${props.map(() => '?').join(', ')} where exists (select 1 from ${where.table(u)} ` +
    `where ${same.map(([name]) => `${columnOf(u, name)} = ?`).join(' and ')} ` +
    `and ${columnOf(u, 'mfaSecret')} is not distinct from ? and ${columnOf(u, 'active')} for share)`;
  const params = [...props.map((p) => value(p.name)), ...same.map(([, expected]) => expected), held.mfaSecret];
  const result = await em.getConnection().execute<{ affectedRows: number }>(sql, params, 'run', em.getTransactionContext());
  return result.affectedRows === 1;
}

function metadata<T extends object>(em: EntityManager, entity: EntityName<T>): EntityMetadata<T> {
  return em.getMetadata().get<T>(Utils.className(entity));
}

/** Where the tables are: a placement's (the fork's schema, and its tenant) for tenant entities, else the entity's own schema. */
function placed(em: EntityManager, sessions: EntityMetadata): { table(meta: EntityMetadata): string; tenantId?: string } {
  if (!('tenantId' in sessions.properties)) return { table: (meta) => `${quoteIdent(meta.schema!)}.${quoteIdent(meta.tableName)}` };
  const { tenantId, schema } = boundPlacement(em, 'a sign-in session');
  return { table: (meta) => `${quoteIdent(schema)}.${quoteIdent(meta.tableName)}`, tenantId };
}
