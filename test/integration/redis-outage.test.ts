import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Principal } from '../../src/auth/principal';
import { createLoginThrottle } from '../../src/auth/login-throttle';
import { DomainError } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { RateLimits, type LimitedRequest, type RequestLimits } from '../../src/rate-limits';
import { Plan } from '../../src/tenancy';
import { LoginDocument, MeDocument } from '../e2e/generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { FaultProxy } from '../fixtures/fault-proxy';
import { TEST_REDIS_URL } from '../fixtures/redis';

/** Far longer than any answer takes, far shorter than the wait of a command that is never answered. */
const HANGING_MS = 10_000;

/** What `promise` settled to, or 'still waiting' if it has not within HANGING_MS. */
function settledWithin<T>(promise: Promise<T>): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), HANGING_MS)));
  return Promise.race([promise, waiting]).finally(() => clearTimeout(timer));
}

const LIMITS: RequestLimits = {
  plans: Object.fromEntries(Object.values(Plan).map((plan) => [plan, { tenant: 10, user: 2 }])) as RequestLimits['plans'],
  platformUserPerMinute: 2,
  publicPerMinute: 2,
  multiplier: 1,
  demoRequestsPerHour: 1,
};

function userRequest(): LimitedRequest {
  const tenantId = randomUUID();
  const principal: Principal = { kind: 'tenant', id: randomUUID(), email: 'n@example.org', tenantId, roles: ['NURSE'], sessionId: randomUUID(), twoFactor: false, mfaPending: false };
  return { tenant: { id: tenantId, plan: Plan.BASIC }, principal, clientAddress: '192.0.2.1', rootFields: ['me'] };
}

const outcome = (limits: RateLimits, request: LimitedRequest) =>
  settledWithin(
    limits.enforce(request).then(
      () => 'allowed',
      (e: unknown) => (e instanceof DomainError ? e.code : 'unexpected'),
    ),
  );

/**
 * The shared Redis behind a proxy that can fall silent: `hang` leaves every connection, open or new,
 * accepted and unanswered (a Redis that hangs), `answer` lets new connections through again.
 */
async function hangingRedis() {
  const proxy = await FaultProxy.start(TEST_REDIS_URL);
  return {
    url: proxy.via(TEST_REDIS_URL),
    hang: () => (proxy.silenceOpen(), void proxy.silenceNew()),
    answer: () => proxy.answerNew(),
    close: () => proxy.close(),
  };
}

describe('a Redis that accepts connections and answers nothing', () => {
  let redis: Awaited<ReturnType<typeof hangingRedis>>;

  beforeEach(async () => {
    redis = await hangingRedis();
  });
  afterEach(() => redis?.close());

  it('leaves the request rate limits counting in memory, as when Redis refuses connections', async () => {
    const limits = await RateLimits.open(LIMITS, { redisUrl: redis.url, deployment: `hang_${randomUUID().slice(0, 8)}` });
    try {
      const request = userRequest();
      expect(await outcome(limits, request)).toBe('allowed'); // counted in Redis
      redis.hang();
      expect(await outcome(limits, request)).toBe('allowed'); // counted in memory from here on
      expect(await outcome(limits, request)).toBe('allowed');
      expect(await outcome(limits, request)).toBe('RATE_LIMITED');
    } finally {
      redis.answer();
      await limits.close();
    }
  });

  it('leaves the sign-in lockout counting in memory', async () => {
    const throttle = await createLoginThrottle({ maxFailures: 1, lockoutSeconds: 60, redisUrl: redis.url, deployment: `hang_${randomUUID().slice(0, 8)}` });
    const reserve = () =>
      settledWithin(
        throttle.reserve('someone').then(
          () => 'reserved',
          (e: unknown) => (e instanceof DomainError ? e.code : 'unexpected'),
        ),
      );
    try {
      redis.hang();
      expect(await reserve()).toBe('reserved');
      expect(await reserve()).toBe('RATE_LIMITED');
    } finally {
      redis.answer();
      await throttle.close();
    }
  });

  it('does not hold up opening the limits when it hangs from the start', async () => {
    redis.hang();
    const opened = await settledWithin(RateLimits.open(LIMITS, { redisUrl: redis.url, deployment: 'hung' }));
    redis.answer();
    expect(opened).toBeInstanceOf(RateLimits);
    await (opened as RateLimits).close();
  });
});

describe('a gateway whose Redis hangs', () => {
  let redis: Awaited<ReturnType<typeof hangingRedis>>;
  let gw: TestGateway;
  let hospital: { id: string; slug: string; token: string };
  const lines: { level: number; msg: string; redis?: string }[] = [];

  beforeAll(async () => {
    redis = await hangingRedis();
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    gw = await TestGateway.start({ REDIS_URL: redis.url, REQUEST_DEADLINE_MS: '5000' }, undefined, logger);
    hospital = await gw.createTenant({ slug: 'redis-hangs' });
  });
  afterAll(async () => {
    redis?.answer();
    await gw?.stop();
    await redis?.close();
  });

  it('answers requests and sign-ins meanwhile, rather than waiting until their deadline; and logs the outage once per use, and its end once', async () => {
    lines.length = 0;
    redis.hang();
    try {
      for (let n = 0; n < 3; n += 1) {
        const me = await gw.gql(MeDocument, {}, hospital);
        expect({ code: errorCode(me), slug: me.data?.me?.tenant?.slug }).toEqual({ code: undefined, slug: 'redis-hangs' });
        const login = await gw.gql(LoginDocument, { email: `admin@${hospital.slug}.test`, password: 'hospital-admin-password' }, { slug: hospital.slug });
        expect(errorCode(login)).toBeUndefined();
      }
    } finally {
      redis.answer();
    }
    const uses = ['request rate limits', 'sign-in lockout'];
    const logged = (msg: RegExp) => lines.filter((l) => msg.test(l.msg)).map((l) => [l.redis, l.level]).sort();
    for (let n = 0; n < 200 && logged(/^Redis reachable again/).length < uses.length; n += 1) await new Promise((r) => setTimeout(r, 50));
    expect(logged(/^Redis unreachable/)).toEqual(uses.map((use) => [use, 40])); // warn
    expect(logged(/^Redis reachable again/)).toEqual(uses.map((use) => [use, 30])); // info
    expect(errorCode(await gw.gql(MeDocument, {}, hospital))).toBeUndefined();
  });
});
