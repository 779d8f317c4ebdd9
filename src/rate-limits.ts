import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type IRateLimiterOptions, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from './errors';

export interface SharedLimiter {
  limiter: RateLimiterAbstract;
  close(): Promise<void>;
}

/**
 * One limiter, in this process's memory, or with `redisUrl` in Redis (atomic counters shared by every
 * replica), falling back to memory while Redis is unreachable rather than failing every request.
 * The one way the gateway counts attempts: sign-in lockout and public operations both use it.
 */
export async function createRateLimiter(limits: IRateLimiterOptions, redisUrl?: string): Promise<SharedLimiter> {
  if (!redisUrl) return { limiter: new RateLimiterMemory(limits), close: async () => undefined };
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined); // reconnects by itself; the insurance limiter covers the gap
  // Start-up waits for the first connection, so counting starts in Redis rather than in memory.
  await redis.connect().catch(() => undefined);
  const limiter = new RateLimiterRedis({ ...limits, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(limits) });
  return {
    limiter,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Rate limits of public operations, keyed by client address (shared by replicas with REDIS_URL). */
export class RateLimits {
  private constructor(private readonly demo: SharedLimiter) {}

  /** `deployment` names the counters' namespace in Redis (the main database), so deployments never share them. */
  static async open(options: { demoRequestsPerHour: number; redisUrl?: string; deployment: string }): Promise<RateLimits> {
    const demo = await createRateLimiter({ keyPrefix: `sovereign:demo-request:${options.deployment}`, points: Math.max(1, options.demoRequestsPerHour), duration: 3600 }, options.redisUrl);
    return new RateLimits(demo);
  }

  get demoRequests(): RateLimiterAbstract {
    return this.demo.limiter;
  }

  /** Takes one point for `key`, or throws RATE_LIMITED with the wait. */
  async consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (result) {
      if (result instanceof RateLimiterRes) throw RateLimitedError.retryAfter(Math.ceil(result.msBeforeNext / 1000));
      throw result;
    }
  }

  close(): Promise<void> {
    return this.demo.close();
  }
}
