import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/postgresql';

/**
 * Makes a transaction whose BEGIN failed fail where it begins, with the driver's error.
 *
 * When the connection is lost or terminated just as BEGIN is sent (a server going down ends the idle
 * pooled connections before the pool has noticed), knex keeps BEGIN's error to itself and hands
 * MikroORM a transaction that is already over: `begin()` succeeds, and the first statement fails with
 * "Transaction query already complete", which says nothing of the lost connection (a statement sent
 * after a commit, a programming error, says the same). The error is converted like a failed
 * statement's. Listed first among every ORM's subscribers, so no other one runs a statement in such a
 * transaction.
 */
export class FailedBeginCheck implements EventSubscriber {
  async afterTransactionStart({ em, transaction }: TransactionEventArgs): Promise<void> {
    const trx = transaction as Knex.Transaction | undefined;
    if (!trx?.isCompleted()) return;
    try {
      await trx.executionPromise; // rejects with BEGIN's error
    } catch (error) {
      throw em.getDriver().convertException(error as Error);
    }
    throw new Error('The transaction was over before its first statement'); // nothing commits it before then
  }
}
