import { MikroORM, type Options } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { databaseFault } from '../../src/db/faults';
import { ownerOrmOptions, tenantOrmOptions } from '../../src/tenancy/orm-options';
import { testServerUrl } from '../fixtures/database';
import { FaultProxy, type Break } from '../fixtures/fault-proxy';

/**
 * A transaction whose BEGIN meets a lost connection fails where it begins, with the driver's error
 * (a database fault), not at its first statement with an error that reads like a programming one.
 */
describe('a transaction whose BEGIN is cut off', () => {
  let proxy: FaultProxy;
  const orms: MikroORM<PostgreSqlDriver>[] = [];

  beforeAll(async () => {
    proxy = await FaultProxy.start(testServerUrl());
  });
  afterAll(async () => {
    await Promise.all(orms.map((orm) => orm.close(true)));
    await proxy.close();
  });

  async function orm(options: (url: string) => Options<PostgreSqlDriver>): Promise<MikroORM<PostgreSqlDriver>> {
    const opened = await MikroORM.init(options(proxy.via(testServerUrl())));
    orms.push(opened);
    return opened;
  }

  const kinds: [string, (url: string) => Options<PostgreSqlDriver>][] = [
    ['an owner ORM', ownerOrmOptions],
    // An unbound fork's transaction runs a statement of its own on begin (RowLevelSecurityBinder).
    ['a tenant ORM', (url) => tenantOrmOptions(url, [], { size: 2, statementTimeoutMs: 5_000 })],
  ];
  const cases = kinds.flatMap(([kind, options]) => (['terminate', 'close', 'reset'] as Break[]).map((how) => ({ kind, options, how })));

  it.each(cases)('fails begin() of $kind with SERVICE_UNAVAILABLE when the connection is lost ($how), then begins again', async ({ options, how }) => {
    const db = await orm(options);
    const em = db.em.fork();
    const broken = proxy.breakOn(/BEGIN;/, how);
    const error = await em.begin().then(() => undefined, (e: unknown) => e);
    await broken;
    expect(databaseFault(error)?.code).toBe('SERVICE_UNAVAILABLE');
    expect(em.isInTransaction()).toBe(false);

    expect(await beginsAgain(db)).toEqual([{ one: 1 }]);
  });

  /**
   * A transaction once the pool has replaced the broken connection. A terminated backend says so
   * before its socket closes, and a transaction in between may still be handed that connection: it
   * fails as a database fault too, and the one after it runs.
   */
  async function beginsAgain(db: MikroORM<PostgreSqlDriver>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.em.fork().transactional((tx) => tx.execute('select 1 as one'));
      } catch (error) {
        expect(databaseFault(error)?.code).toBe('SERVICE_UNAVAILABLE');
        expect(attempt).toBeLessThan(3);
      }
    }
  }

  it('leaves a statement sent after the commit as the programming error it is', async () => {
    const db = await orm(ownerOrmOptions);
    const em = db.em.fork();
    await em.begin();
    const committed = em.getTransactionContext();
    await em.commit();
    const error = await em.getConnection().execute('select 1', [], 'all', committed).then(() => undefined, (e: unknown) => e);
    expect(String(error)).toMatch(/Transaction query already complete/);
    expect(databaseFault(error)).toBeUndefined();
  });
});
