import cluster, { type Worker } from 'node:cluster';
import { redisClient } from '../../redis';

/**
 * Tells every gateway process that a hospital's catalog entry changed, so each drops its cached
 * lookups of that hospital: through Redis between replicas, through the cluster primary between the
 * workers of one gateway without Redis, and nowhere for a lone process.
 */
export interface InvalidationBus {
  publish(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

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

/**
 * Redis pub/sub on one channel per deployment (named after the main database). A replica that misses a
 * message (Redis restarting) still converges within the cache TTL. When Redis cannot be reached at
 * first, both clients are disconnected (none keeps reconnecting) and RedisUnreachableError is thrown.
 */
export async function redisBus(url: string, channel: string, onMessage: (tenantId: string) => void): Promise<InvalidationBus> {
  const publisher = redisClient(url, { maxRetriesPerRequest: 2 });
  const subscriber = redisClient(url);
  for (const client of [publisher, subscriber]) client.on('error', () => undefined); // reconnects by itself; the TTL covers the gap
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    subscriber.on('message', (ch: string, message: string) => {
      if (ch === channel) onMessage(message);
    });
    await subscriber.subscribe(channel);
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

interface InvalidationMessage {
  type: 'sovereign:catalog-invalidation';
  tenantId: string;
}

function isInvalidation(message: unknown): message is InvalidationMessage {
  const m = message as Partial<InvalidationMessage> | null;
  return m?.type === 'sovereign:catalog-invalidation' && typeof m.tenantId === 'string';
}

/**
 * In a cluster worker without Redis: over IPC to the primary, which passes it on to every other worker
 * (relayInvalidations). A worker that is being replaced misses nothing: it starts with an empty cache.
 */
export function clusterBus(onMessage: (tenantId: string) => void): InvalidationBus {
  const listener = (message: unknown) => {
    if (isInvalidation(message)) onMessage(message.tenantId);
  };
  process.on('message', listener);
  return {
    publish: async (tenantId) => {
      const message: InvalidationMessage = { type: 'sovereign:catalog-invalidation', tenantId };
      if (process.connected) process.send?.(message);
    },
    close: async () => {
      process.off('message', listener);
    },
  };
}

/** In the cluster primary: passes each worker's invalidations to every other worker (see clusterBus). */
export function relayInvalidations(): void {
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isInvalidation(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message);
    }
  });
}

/**
 * The bus of one process: Redis with `redisUrl` (every replica, and every worker of each), else the
 * cluster primary in a worker, else none.
 */
export async function openInvalidationBus(redisUrl: string | undefined, channel: string, onMessage: (tenantId: string) => void): Promise<InvalidationBus> {
  if (redisUrl) return redisBus(redisUrl, channel, onMessage);
  return cluster.isWorker ? clusterBus(onMessage) : localBus;
}
