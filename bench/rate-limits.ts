import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../src/auth/principal';
import { PLAN_REQUEST_LIMITS, PLATFORM_ADMIN_REQUESTS_PER_MINUTE } from '../src/modules/plans/plan-limits';
import { RateLimits, type LimitedRequest } from '../src/rate-limits';
import { Plan } from '../src/tenancy';
import { percentile } from './support';

/**
 * Cost of the request rate limits per request (`RateLimits.enforce`, as the plugin calls it) for a
 * hospital user: counted in memory, counted in Redis (caller, then hospital: two round trips), and
 * refused once over the limit (from the replica's memory, no Redis trip). Sequential calls, median and p90.
 * Uses Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379).
 */
const N = Number(process.env.BENCH_REQUESTS ?? 5_000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function hospitalUser(): LimitedRequest {
  const tenantId = randomUUID();
  const principal: Principal = { kind: 'tenant', id: randomUUID(), email: 'bench@example.org', tenantId, roles: ['NURSE'], sessionId: randomUUID(), twoFactor: false, mfaPending: false };
  return { tenant: { id: tenantId, plan: Plan.ENTERPRISE }, principal, clientAddress: '192.0.2.1', rootFields: ['patients'] };
}

async function measure(label: string, run: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < N; i += 1) {
    const started = performance.now();
    await run().catch(() => undefined);
    times.push((performance.now() - started) * 1000);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${percentile(times, 50).toFixed(0).padStart(5)} µs   p90 ${percentile(times, 90).toFixed(0).padStart(5)} µs`);
}

async function main(): Promise<void> {
  const limits = { plans: PLAN_REQUEST_LIMITS, platformUserPerMinute: PLATFORM_ADMIN_REQUESTS_PER_MINUTE, publicPerMinute: 120, demoRequestsPerHour: 5 };
  const deployment = `sovbench_${Date.now().toString(36)}`;
  const memory = await RateLimits.open({ ...limits, multiplier: 1_000 }, { deployment });
  const redis = await RateLimits.open({ ...limits, multiplier: 1_000 }, { redisUrl: REDIS_URL, deployment });
  const tight = await RateLimits.open({ ...limits, multiplier: 0.001 }, { redisUrl: REDIS_URL, deployment: `${deployment}_tight` });
  try {
    console.log(`${N} sequential checks each`);
    const inMemory = hospitalUser();
    await measure('hospital user, counted in memory', () => memory.enforce(inMemory));
    const inRedis = hospitalUser();
    await measure('hospital user, counted in Redis', () => redis.enforce(inRedis));
    const refused = hospitalUser();
    await tight.enforce(refused);
    await measure('hospital user over the limit (Redis, refused)', () => tight.enforce(refused));
  } finally {
    await Promise.all([memory.close(), redis.close(), tight.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
