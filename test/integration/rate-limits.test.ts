import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal';
import { DomainError } from '../../src/errors';
import { RateLimits, type LimitedRequest, type RequestLimits } from '../../src/rate-limits';
import { Plan } from '../../src/tenancy';
import { TEST_REDIS_URL } from '../fixtures/redis';

const REDIS_URL = TEST_REDIS_URL;

const LIMITS: RequestLimits = {
  plans: {
    [Plan.TRIAL]: { tenant: 10, user: 2 },
    [Plan.BASIC]: { tenant: 10, user: 2 },
    [Plan.PROFESSIONAL]: { tenant: 10, user: 2 },
    [Plan.ENTERPRISE]: { tenant: 10, user: 2 },
  },
  platformUserPerMinute: 2,
  publicPerMinute: 2,
  multiplier: 1,
  demoRequestsPerHour: 1,
};

function userRequest(tenantId = randomUUID()): LimitedRequest {
  const principal: Principal = { kind: 'tenant', id: randomUUID(), email: 'n@example.org', tenantId, roles: ['NURSE'], sessionId: randomUUID(), twoFactor: false, mfaPending: false };
  return { tenant: { id: tenantId, plan: Plan.BASIC }, principal, clientAddress: '192.0.2.1', rootFields: ['me'] };
}

function outcome(limits: RateLimits, request: LimitedRequest): Promise<string> {
  return limits.enforce(request).then(
    () => 'allowed',
    (e: unknown) => (e instanceof DomainError ? e.code : 'unexpected'),
  );
}

describe('request rate limits in Redis', () => {
  const deployment = `sovt_rate_${randomUUID().slice(0, 8)}`;
  let one: RateLimits;
  let two: RateLimits;
  let redis: Redis;

  beforeAll(async () => {
    one = await RateLimits.open(LIMITS, { redisUrl: REDIS_URL, deployment });
    two = await RateLimits.open(LIMITS, { redisUrl: REDIS_URL, deployment });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    redis.disconnect();
  });

  it('keeps the counters in Redis under the deployment namespace, shared by every replica', async () => {
    const request = userRequest();
    expect(await outcome(one, request)).toBe('allowed');
    expect(await outcome(two, request)).toBe('allowed');
    expect(await outcome(one, request)).toBe('RATE_LIMITED');
    const keys = await redis.keys(`sovereign:rate:${deployment}:*`);
    expect(keys).toContain(`sovereign:rate:${deployment}:user:BASIC:${request.tenant!.id}:${request.principal!.id}`);
    expect(keys).toContain(`sovereign:rate:${deployment}:tenant:BASIC:${request.tenant!.id}`);
  });

  it('refuses a client past its limit from memory, without asking Redis again', async () => {
    const request = userRequest();
    await outcome(one, request);
    await outcome(one, request);
    expect(await outcome(one, request)).toBe('RATE_LIMITED');
    // With the Redis counter gone, only this process's in-memory block can still refuse.
    await redis.del(`sovereign:rate:${deployment}:user:BASIC:${request.tenant!.id}:${request.principal!.id}`);
    expect(await outcome(one, request)).toBe('RATE_LIMITED');
    expect(await outcome(two, request)).toBe('allowed');
  });
});

describe('request rate limits with Redis unreachable', () => {
  it('keeps counting in memory rather than refusing or allowing everything', async () => {
    const limits = await RateLimits.open(LIMITS, { redisUrl: 'redis://127.0.0.1:1', deployment: 'offline' });
    try {
      const request = userRequest();
      expect(await outcome(limits, request)).toBe('allowed');
      expect(await outcome(limits, request)).toBe('allowed');
      expect(await outcome(limits, request)).toBe('RATE_LIMITED');
    } finally {
      await limits.close();
    }
  });
});

describe('request rate limits turned off', () => {
  it('counts nothing per minute with multiplier 0, but keeps the demo-request limit', async () => {
    const limits = await RateLimits.open({ ...LIMITS, multiplier: 0 }, { deployment: 'off' });
    try {
      const request = userRequest();
      for (let i = 0; i < 20; i += 1) expect(await outcome(limits, request)).toBe('allowed');
      const demo: LimitedRequest = { tenant: null, principal: null, clientAddress: '192.0.2.2', rootFields: ['requestDemo'] };
      expect(await outcome(limits, demo)).toBe('allowed');
      expect(await outcome(limits, demo)).toBe('RATE_LIMITED');
    } finally {
      await limits.close();
    }
  });
});
