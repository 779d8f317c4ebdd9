import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors';
import type { Logger } from '../logger';
import { counterNamespace, createRateLimiter } from '../rate-limits';

/**
 * Counts failed secret checks (password, TOTP code) per key — (hospital, email) at sign-in, the user
 * for their own account operations (see throttleKey, selfThrottleKey) — and locks
 * the key for a while after too many. An attempt is taken before the secret is checked (`reserve`),
 * atomically, so a locked account costs no hashing and answers the same whether or not the email
 * exists, and however many checks arrive at once no more than the limit run per window. Use it
 * through `throttled`.
 */
export interface LoginThrottle {
  /** Takes one attempt for `key`, atomically; throws RATE_LIMITED while `key` is locked (no attempt left). */
  reserve(key: string): Promise<void>;
  /** Gives back an attempt taken by `reserve` (its check did not fail). */
  release(key: string): Promise<void>;
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
  /** Names the counters' namespace in Redis (the main database), as for the request-rate counters. */
  deployment: string;
  /** Hears when Redis is lost and back. */
  logger?: Logger;
}

/** Key for one account in one hospital (`scope` is the tenant id, or `platform`). */
export function throttleKey(scope: string, email: string): string {
  return `${scope}:${email.trim().toLowerCase()}`;
}

/**
 * Key for the checks a signed-in user makes on their own account (current password, MFA codes): a
 * counter apart from the sign-in one, so failed anonymous sign-ins cannot stop the owner managing
 * their account. It starts with `self:`, which no sign-in key (a hospital id or `platform` first) does.
 */
export function selfThrottleKey(scope: string, userId: string): string {
  return `self:${scope}:${userId}`;
}

/**
 * The one way a secret is checked under a lockout: an attempt is reserved for `key` first (refused →
 * RATE_LIMITED, and nothing is checked), then `check` runs. When it returns an error (the secret was
 * wrong) the attempt stays counted and the error is thrown; when it returns anything else, or throws
 * (no secret was found wrong), the attempt is given back.
 */
export async function throttled<T>(throttle: LoginThrottle, key: string, check: () => Promise<T>): Promise<Exclude<T, Error>> {
  await throttle.reserve(key);
  let outcome: T;
  try {
    outcome = await check();
  } catch (error) {
    await throttle.release(key);
    throw error;
  }
  if (outcome instanceof Error) throw outcome;
  await throttle.release(key);
  return outcome as Exclude<T, Error>;
}

class RateLimiterThrottle implements LoginThrottle {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  async reserve(key: string): Promise<void> {
    await this.limiter.consume(key).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) throw RateLimitedError.retryAfter(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      throw rejection; // a store error, not "over the limit"
    });
  }

  async release(key: string): Promise<void> {
    await this.limiter.reward(key);
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
    keyPrefix: `${counterNamespace(options.deployment)}:login`,
    points: options.maxFailures,
    duration: options.lockoutSeconds,
    blockDuration: options.lockoutSeconds,
  };
  const use = options.logger && { name: 'sign-in lockout', logger: options.logger };
  const { limiter, close } = await createRateLimiter(limits, options.redisUrl, use);
  return new RateLimiterThrottle(limiter, close);
}
