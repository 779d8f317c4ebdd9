import { IsolationLevel, type MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** One explicit transaction on an owner connection (begin, statements, commit or rollback). */
export class OwnerTx {
  private constructor(private readonly em: EntityManager) {}

  /**
   * Begins a transaction on its own connection of `orm`. `snapshot` gives one consistent, read-only
   * view across every statement (REPEATABLE READ), for reading a live hospital without stopping it.
   */
  static async begin(orm: MikroORM, options: { snapshot?: boolean } = {}): Promise<OwnerTx> {
    const em = orm.em.fork() as EntityManager;
    await em.begin(options.snapshot ? { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true } : {});
    return new OwnerTx(em);
  }

  /** Runs `fn` in a new transaction: commits when it resolves, rolls back when it throws. */
  static async run<T>(orm: MikroORM, fn: (tx: OwnerTx) => Promise<T>): Promise<T> {
    const tx = await OwnerTx.begin(orm);
    try {
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  }

  all<T extends object = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(sql, params, 'all', this.em.getTransactionContext());
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    const result = await this.em.getConnection().execute<{ affectedRows?: number }>(sql, params, 'run', this.em.getTransactionContext());
    return result.affectedRows ?? 0;
  }

  commit(): Promise<void> {
    return this.em.commit();
  }

  /** Rolls back; never throws (the connection may already be gone). */
  async rollback(): Promise<void> {
    await this.em.rollback().catch(() => undefined);
  }
}
