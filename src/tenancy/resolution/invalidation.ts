import type { MikroORM } from '@mikro-orm/core';
import { redisClient } from '../../redis';
import { CatalogListener } from './catalog-listener';

/**
 * Tells every gateway process (each replica, each worker of each, and the CLI) that a hospital's
 * catalog entry changed, so each drops its cached lookups of that hospital: through Redis with
 * REDIS_URL, else through PostgreSQL's LISTEN/NOTIFY in the main database.
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

/** Redis could not be reached when the invalidation bus opened (start-up waits for it, like for the database). */
export class RedisUnreachableError extends Error {
  constructor(cause: unknown) {
    super(`Redis (REDIS_URL) not reachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RedisUnreachableError';
  }
}

/** The Redis connection name of a deployment's subscriber (`CLIENT LIST` shows it; no spaces allowed). */
export const catalogSubscriberName = (mainDatabase: string) => `sovereign-catalog-subscriber:${mainDatabase}`;

/**
 * Redis pub/sub on one channel per deployment (named after the main database). The subscriber
 * reconnects and subscribes again by itself (ioredis), and then calls `onReconnect`: messages
 * published meanwhile were missed, as with the PostgreSQL listener. When Redis cannot be reached at
 * first, both clients are disconnected (none keeps reconnecting) and RedisUnreachableError is thrown.
 */
export async function redisBus(url: string, mainDatabase: string, handlers: InvalidationHandlers): Promise<InvalidationBus> {
  const channel = `sovereign:catalog:${mainDatabase}`;
  const publisher = redisClient(url, { maxRetriesPerRequest: 2 });
  const subscriber = redisClient(url, { connectionName: catalogSubscriberName(mainDatabase) });
  for (const client of [publisher, subscriber]) client.on('error', () => undefined); // reconnects by itself; the TTL covers the gap
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    subscriber.on('message', (ch: string, message: string) => {
      if (ch === channel) handlers.onMessage(message);
    });
    await subscriber.subscribe(channel);
    // Every later 'ready' is a reconnection. ioredis subscribes again by itself; subscribing once
    // more (harmless) says when Redis has confirmed it, and only then is the cache dropped, so that
    // nothing published in between is missed.
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(() => handlers.onReconnect(), () => undefined);
    });
  } catch (error) {
    subscriber.disconnect();
    publisher.disconnect();
    throw new RedisUnreachableError(error);
  }
  return {
    publish: async (tenantId) => {
      await publisher.publish(channel, tenantId).catch(() => undefined);
    },
    close: async () => {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/**
 * PostgreSQL LISTEN/NOTIFY in the main database: publishes with `select pg_notify(channel, tenant id)`
 * on a connection of the central ORM, and hears through one dedicated listening connection
 * (CatalogListener), which listens again by itself after the connection is lost and then calls
 * `onReconnect` (notifications sent meanwhile were missed). `close` waits for publications still on
 * their way, then closes the listening connection. A lost publication is covered by the cache TTL.
 */
export async function postgresBus(central: MikroORM, url: string, handlers: InvalidationHandlers): Promise<InvalidationBus> {
  const listener = await CatalogListener.open(url, POSTGRES_CHANNEL, handlers);
  const sending = new Set<Promise<unknown>>();
  return {
    publish: async (tenantId) => {
      const sent = central.em.fork().getConnection().execute('select pg_notify(?, ?)', [POSTGRES_CHANNEL, tenantId]).catch(() => undefined);
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

/** Where a deployment's bus runs: its central ORM and main database, and Redis if configured. */
export interface BusDeployment {
  central: MikroORM;
  /** The main database (owner credentials). */
  databaseUrl: string;
  mainDatabase: string;
  redisUrl: string | undefined;
}

/**
 * The bus of one process, the same for a lone process, each worker of a cluster and the CLI: Redis
 * with REDIS_URL (channel `sovereign:catalog:<main db>`), else PostgreSQL in the main database.
 */
export function openInvalidationBus(deployment: BusDeployment, handlers: InvalidationHandlers): Promise<InvalidationBus> {
  if (deployment.redisUrl) return redisBus(deployment.redisUrl, deployment.mainDatabase, handlers);
  return postgresBus(deployment.central, deployment.databaseUrl, handlers);
}
