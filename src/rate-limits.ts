import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from './errors';

/**
 * Rate limits of public operations, keyed by client address. Kept in this process's memory: with N
 * replicas a client gets up to N times the limit (a shared store belongs with REDIS_URL).
 */
export class RateLimits {
  readonly demoRequests: RateLimiterAbstract;

  constructor(options: { demoRequestsPerHour: number }) {
    this.demoRequests = new RateLimiterMemory({ keyPrefix: 'demo-request', points: Math.max(1, options.demoRequestsPerHour), duration: 3600 });
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
}
