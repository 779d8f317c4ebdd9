import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors';
import { createRateLimiter } from '../rate-limits';

/**
 * Counts failed secret checks (password, TOTP code) per key — always (hospital, email) — and locks
 * the key for a while after too many. Checked before the secret is verified, so a locked account
 * costs no hashing and answers the same whether or not the email exists.
 */
export interface LoginThrottle {
  /** Throws RATE_LIMITED while `key` is locked. */
  assertAllowed(key: string): Promise<void>;
  /** Counts one failure; the one that reaches the limit locks the key. */
  recordFailure(key: string): Promise<void>;
  /** Forgets the failures of `key` (after a successful sign-in). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Limits (from LOGIN_MAX_FAILURES and LOGIN_LOCKOUT_SECONDS) and where counters live. */
export interface LoginThrottleOptions {
  maxFailures: number;
  lockoutSeconds: number;
  /** When set, counters live in Redis and are shared by every replica. */
  redisUrl?: string;
  keyPrefix?: string;
}

/** Key for one account in one hospital (`scope` is the tenant id, or `platform`). */
export function throttleKey(scope: string, email: string): string {
  return `${scope}:${email.trim().toLowerCase()}`;
}

class RateLimiterThrottle implements LoginThrottle {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly maxFailures: number,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  async assertAllowed(key: string): Promise<void> {
    const state = await this.limiter.get(key);
    if (state && state.consumedPoints >= this.maxFailures) {
      throw RateLimitedError.retryAfter(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
    }
  }

  async recordFailure(key: string): Promise<void> {
    await this.limiter.consume(key).catch((rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) throw rejection; // a store error, not "over the limit"
    });
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

/**
 * In memory by default (one process, or the primary's for the workers of a cluster); with `redisUrl`,
 * shared by every replica (see LimiterStore).
 */
export async function createLoginThrottle(options: LoginThrottleOptions): Promise<LoginThrottle> {
  const limits = {
    keyPrefix: options.keyPrefix ?? 'sovereign:login',
    points: options.maxFailures,
    duration: options.lockoutSeconds,
    blockDuration: options.lockoutSeconds,
  };
  const { limiter, close } = await createRateLimiter(limits, options.redisUrl);
  return new RateLimiterThrottle(limiter, options.maxFailures, close);
}
