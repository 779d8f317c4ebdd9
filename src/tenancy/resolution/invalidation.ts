import type { MikroORM } from '@mikro-orm/core';
import { CatalogListener } from './catalog-listener';

/**
 * Tells every gateway process (each replica, each worker of each, and the CLI) that a hospital's
 * catalog entry changed, so each drops its cached lookups of that hospital: through PostgreSQL's
 * LISTEN/NOTIFY in the main database, which every process reaches whatever else it is configured with
 * (a process with REDIS_URL and one without, or one whose Redis is down, hear each other).
 */
export interface InvalidationBus {
  publish(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

/** What a process does with what it hears. */
export interface InvalidationHandlers {
  /** One hospital changed. */
  onMessage(tenantId: string): void;
  /** Messages may have been missed (the bus lost its connection and is back). */
  onReconnect(): void;
  /** The bus lost its connection (once per loss; onReconnect follows when it is back). */
  onLost(): void;
}

/**
 * The PostgreSQL channel. A notification reaches only sessions of the database it was sent in, the
 * deployment's main one, so the name need not carry the database's (with it, a long database name
 * would pass the 63-byte limit: pg_notify refuses such a channel, LISTEN cuts it short).
 */
export const POSTGRES_CHANNEL = 'sovereign:catalog';

/** No bus: a store on its own (unit tests) drops only its own entries. */
export const localBus: InvalidationBus = {
  publish: async () => undefined,
  close: async () => undefined,
};

/** Where a deployment's bus runs: its central ORM and main database (owner credentials). */
export interface BusDeployment {
  central: MikroORM;
  databaseUrl: string;
}

/**
 * The bus of one process, the same for a lone process, each worker of a cluster and the CLI:
 * PostgreSQL LISTEN/NOTIFY in the main database. Publishes with `select pg_notify(channel, tenant id)`
 * on a connection of the central ORM, and hears through one dedicated listening connection
 * (CatalogListener), which listens again by itself after the connection is lost and then calls
 * `onReconnect` (notifications sent meanwhile were missed). `close` waits for publications still on
 * their way, then closes the listening connection. A lost publication is covered by the cache TTL.
 */
export async function openInvalidationBus(deployment: BusDeployment, handlers: InvalidationHandlers): Promise<InvalidationBus> {
  const listener = await CatalogListener.open(deployment.databaseUrl, POSTGRES_CHANNEL, handlers);
  const sending = new Set<Promise<unknown>>();
  return {
    publish: async (tenantId) => {
      const sent = deployment.central.em.fork().getConnection().execute('select pg_notify(?, ?)', [POSTGRES_CHANNEL, tenantId]).catch(() => undefined);
      sending.add(sent);
      await sent;
      sending.delete(sent);
    },
    close: async () => {
      await Promise.all(sending);
      await listener.close();
    },
  };
}
