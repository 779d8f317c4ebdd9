import { MikroORM } from '@mikro-orm/core';
import { ownerOrmOptions } from './orm-options';
import { MAIN_SERVER } from './placement';
import type { ServerRegistry } from './servers';

/**
 * Owner (DDL-capable) connections for central work: the central ORM for the main database, a
 * short-lived connection for any other database. Request code never gets one.
 */
export class OwnerAccess {
  constructor(
    readonly central: MikroORM,
    readonly servers: ServerRegistry,
    /** A new connection to another database not answered within this fails (none when unset). */
    private readonly connectTimeoutMs?: number,
  ) {}

  async run<T>(server: string, database: string | undefined, fn: (owner: MikroORM) => Promise<T>): Promise<T> {
    if (server === MAIN_SERVER && (database === undefined || database === this.servers.mainDatabase)) return fn(this.central);
    const owner = await MikroORM.init(ownerOrmOptions(this.servers.ownerUrl(server, database), this.connectTimeoutMs));
    try {
      return await fn(owner);
    } finally {
      await owner.close(true);
    }
  }
}
