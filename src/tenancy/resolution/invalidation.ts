import Redis from 'ioredis';

/**
 * Tells every gateway replica that a hospital's catalog entry changed, so each drops its cached
 * lookups of that hospital. Without Redis there is one replica and nothing to tell.
 */
export interface InvalidationBus {
  publish(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

export const localBus: InvalidationBus = {
  publish: async () => undefined,
  close: async () => undefined,
};

/**
 * Redis pub/sub on one channel per deployment (named after the main database). A replica that misses a
 * message (Redis restarting) still converges within the cache TTL.
 */
export async function redisBus(url: string, channel: string, onMessage: (tenantId: string) => void): Promise<InvalidationBus> {
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const subscriber = new Redis(url, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  subscriber.on('message', (ch: string, message: string) => {
    if (ch === channel) onMessage(message);
  });
  await subscriber.subscribe(channel);
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
