import cluster from 'node:cluster';
import type Redis from 'ioredis';
import {
  RateLimiterCluster,
  RateLimiterClusterMaster,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Principal } from './auth/principal';
import { AuthError, RateLimitedError } from './errors';
import type { Logger } from './logger';
import { redisClient, type RedisUse } from './redis';
import type { Plan, TenantRecord } from './tenancy';

/** How long a cluster worker waits for the primary to answer a count before the request fails. */
const PRIMARY_ANSWER_MS = 2_000;

/**
 * Where limiters count: this process's memory; in a cluster worker without Redis, the primary's memory
 * (over IPC, shared by the gateway's workers; see serveSharedLimiters); or with `redisUrl` Redis
 * (atomic counters shared by every replica, one connection for all the store's limiters), falling back
 * to memory while Redis is unreachable or does not answer (see redisClient) rather than failing or
 * holding up every request. The one way the gateway counts attempts.
 */
export class LimiterStore {
  private constructor(private readonly redis: Redis | null) {}

  /** `use` names the store in the log lines that say when Redis is lost and back. */
  static async open(redisUrl?: string, use?: RedisUse): Promise<LimiterStore> {
    if (!redisUrl) return new LimiterStore(null);
    const redis = redisClient(redisUrl, {}, use);
    // Start-up waits for the first connection, so counting starts in Redis rather than in memory.
    await redis.connect().catch(() => undefined);
    return new LimiterStore(redis);
  }

  /**
   * A limiter on this store. `blockWhenSpent`: once a key has spent its points, this process refuses
   * it from memory until its window ends, so a client hammering past its limit costs no Redis trips.
   */
  limiter(limits: IRateLimiterOptions, options: { blockWhenSpent?: boolean } = {}): RateLimiterAbstract {
    if (!this.redis) return cluster.isWorker ? new RateLimiterCluster({ ...limits, timeoutMs: PRIMARY_ANSWER_MS }) : new RateLimiterMemory(limits);
    return new RateLimiterRedis({
      ...limits,
      storeClient: this.redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(limits),
      ...(options.blockWhenSpent ? { inMemoryBlockOnConsumed: limits.points } : {}),
    });
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/**
 * In the cluster primary: keeps the counters of the workers' limiters that have no Redis (one per key
 * prefix, created by the first worker that asks), so the workers hold one limit together.
 */
export function serveSharedLimiters(): void {
  new RateLimiterClusterMaster();
}

export interface SharedLimiter {
  limiter: RateLimiterAbstract;
  close(): Promise<void>;
}

/** One limiter on a store of its own (see LimiterStore). */
export async function createRateLimiter(limits: IRateLimiterOptions, redisUrl?: string, use?: RedisUse): Promise<SharedLimiter> {
  const store = await LimiterStore.open(redisUrl, use);
  return { limiter: store.limiter(limits), close: () => store.close() };
}

/** Where a deployment's counters live in Redis: under its main database's name, so deployments never share them. */
export function counterNamespace(deployment: string): string {
  return `sovereign:rate:${deployment}`;
}

/** Mutations open to anonymous callers: limited per client address (each occurrence, aliases included). */
export const PUBLIC_MUTATIONS: ReadonlySet<string> = new Set(['login', 'refreshToken', 'requestDemo']);

/** Per-minute request limits before the multiplier (see PLAN_REQUEST_LIMITS). */
export interface RequestLimits {
  plans: Record<Plan, { tenant: number; user: number }>;
  platformUserPerMinute: number;
  publicPerMinute: number;
  /** Scales every per-minute limit; 0 turns them off. */
  multiplier: number;
  /** Per client address; 0 takes no demo requests at all. */
  demoRequestsPerHour: number;
}

/** What the limits look at in one request. */
export interface LimitedRequest {
  tenant: Pick<TenantRecord, 'id' | 'plan'> | null;
  principal: Principal | null;
  clientAddress: string | null;
  /** The operation's root field names, once per occurrence. */
  rootFields: readonly string[];
}

/** A per-minute limit after the multiplier; null when off. */
export function scaledLimit(perMinute: number, multiplier: number): number | null {
  if (multiplier === 0 || perMinute === 0) return null;
  return Math.max(1, Math.round(perMinute * multiplier));
}

type Limiter = RateLimiterAbstract | null;
type PlanLimiters = Record<Plan, { tenant: Limiter; user: Limiter }>;

/**
 * The request rate limits, all counted on one store (shared by replicas with REDIS_URL, keys
 * namespaced by deployment): per hospital and per user or API key by the hospital's plan, per
 * platform admin, per client address for public mutations, and demo requests per address per hour.
 */
export class RateLimits {
  private constructor(
    private readonly store: LimiterStore,
    private readonly plans: PlanLimiters,
    private readonly platformUser: Limiter,
    private readonly publicCalls: Limiter,
    /** Null: demo requests are turned off (DEMO_REQUESTS_PER_HOUR=0). */
    private readonly demo: RateLimiterAbstract | null,
  ) {}

  /**
   * `deployment` names the counters' namespace in Redis (the main database), so deployments never
   * share them; `logger` hears when Redis is lost and back.
   */
  static async open(limits: RequestLimits, options: { redisUrl?: string; deployment: string; logger?: Logger }): Promise<RateLimits> {
    const store = await LimiterStore.open(options.redisUrl, options.logger && { name: 'request rate limits', logger: options.logger });
    const prefix = counterNamespace(options.deployment);
    const perMinute = (name: string, base: number) => {
      const points = scaledLimit(base, limits.multiplier);
      return points === null ? null : store.limiter({ keyPrefix: `${prefix}:${name}`, points, duration: 60 }, { blockWhenSpent: true });
    };
    const entries = Object.entries(limits.plans).map(([plan, l]) => [plan, { tenant: perMinute(`tenant:${plan}`, l.tenant), user: perMinute(`user:${plan}`, l.user) }]);
    const plans = Object.fromEntries(entries) as PlanLimiters;
    const demo = limits.demoRequestsPerHour === 0 ? null : store.limiter({ keyPrefix: `${prefix}:demo`, points: limits.demoRequestsPerHour, duration: 3600 }, { blockWhenSpent: true });
    return new RateLimits(store, plans, perMinute('platform-user', limits.platformUserPerMinute), perMinute('public', limits.publicPerMinute), demo);
  }

  /**
   * Takes this request's points, cheapest refusal first, or throws RATE_LIMITED with the wait: per
   * client address for public mutations (and demo requests, which exist only on the platform host);
   * then per user or API key before its hospital, so a client over its own limit spends nothing of
   * its hospital's. Anonymous requests are not counted otherwise (they can only be refused). Demo
   * requests turned off are FORBIDDEN before anything is counted.
   */
  async enforce(request: LimitedRequest): Promise<void> {
    const address = request.clientAddress ?? 'unknown';
    const demos = request.rootFields.filter((f) => f === 'requestDemo').length;
    if (demos > 0 && !request.tenant && !this.demo) throw AuthError.forbidden('Demo requests are turned off on this deployment');
    const publicCalls = request.rootFields.filter((f) => PUBLIC_MUTATIONS.has(f)).length;
    if (publicCalls > 0 && this.publicCalls) await consume(this.publicCalls, address, publicCalls);
    if (demos > 0 && !request.tenant && this.demo) await consume(this.demo, address, demos);

    const { principal, tenant } = request;
    if (!principal) return;
    if (principal.kind === 'platform') {
      if (this.platformUser) await consume(this.platformUser, principal.id);
      return;
    }
    if (!tenant) return;
    const limiters = this.plans[tenant.plan];
    if (limiters.user) await consume(limiters.user, `${tenant.id}:${principal.id}`);
    if (limiters.tenant) await consume(limiters.tenant, tenant.id);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

async function consume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (result) {
    if (result instanceof RateLimiterRes) throw RateLimitedError.retryAfter(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    throw result;
  }
}
