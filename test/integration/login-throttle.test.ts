import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createLoginThrottle, throttled, throttleKey, type LoginThrottle } from '../../src/auth/login-throttle';
import { DomainError } from '../../src/errors';
import { counterNamespace } from '../../src/rate-limits';
import { TEST_REDIS_URL } from '../fixtures/redis';

const REDIS_URL = TEST_REDIS_URL;

const codeOf = (e: unknown) => (e instanceof DomainError ? e.code : 'unexpected');

/** A check of a wrong secret under `key`: 'failed' when it ran, else the refusal's code. */
function fail(throttle: LoginThrottle, key: string): Promise<string> {
  return throttled(throttle, key, async () => new Error('wrong')).then(() => 'unexpected', (e: unknown) => (e instanceof DomainError ? e.code : 'failed'));
}

/** A check of a right secret under `key`: 'allowed' when it ran, else the refusal's code. */
function pass(throttle: LoginThrottle, key: string): Promise<string> {
  return throttled(throttle, key, async () => 'allowed').catch(codeOf);
}

describe.each([
  ['in memory', () => ({ deployment: 'test' })],
  ['in Redis', () => ({ redisUrl: REDIS_URL, deployment: `test-${randomUUID()}` })],
])('login throttle %s', (_name, options) => {
  let throttle: LoginThrottle;

  beforeEach(async () => {
    throttle = await createLoginThrottle({ maxFailures: 3, lockoutSeconds: 60, ...options() });
  });
  afterEach(() => throttle.close());

  it('allows failures up to the limit and then refuses even a right secret, without checking it', async () => {
    const key = throttleKey('tenant-1', 'User@Example.org');
    for (let i = 0; i < 3; i += 1) expect(await fail(throttle, key)).toBe('failed');
    let checked = false;
    const refused = await throttled(throttle, key, async () => (checked = true)).catch(codeOf);
    expect(refused).toBe('RATE_LIMITED');
    expect(checked).toBe(false);
  });

  it('runs no more checks than the limit when a burst arrives at once', async () => {
    const key = throttleKey('tenant-1', 'burst@example.org');
    let running = 0;
    let checks = 0;
    const slowWrong = () =>
      throttled(throttle, key, async () => {
        checks += 1;
        running += 1;
        await new Promise((resolve) => setTimeout(resolve, 30));
        running -= 1;
        return new Error('wrong');
      }).catch((e: unknown) => (e instanceof DomainError ? e.code : 'failed'));
    const outcomes = await Promise.all(Array.from({ length: 40 }, slowWrong));
    expect(checks).toBe(3);
    expect(running).toBe(0);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(37);
    expect(await pass(throttle, key)).toBe('RATE_LIMITED');
  });

  it('gives the attempt back when the check passes or throws, so only failures count', async () => {
    const key = throttleKey('tenant-1', 'careful@example.org');
    expect(await fail(throttle, key)).toBe('failed');
    expect(await fail(throttle, key)).toBe('failed');
    for (let i = 0; i < 5; i += 1) expect(await pass(throttle, key)).toBe('allowed');
    for (let i = 0; i < 5; i += 1) await expect(throttled(throttle, key, () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await fail(throttle, key)).toBe('failed');
    expect(await pass(throttle, key)).toBe('RATE_LIMITED');
  });

  it('keys by hospital and normalised email', async () => {
    for (let i = 0; i < 3; i += 1) await fail(throttle, throttleKey('tenant-1', ' Nurse@Example.org'));
    expect(await pass(throttle, throttleKey('tenant-1', 'nurse@example.org'))).toBe('RATE_LIMITED');
    expect(await pass(throttle, throttleKey('tenant-2', 'nurse@example.org'))).toBe('allowed');
    expect(await pass(throttle, throttleKey('platform', 'nurse@example.org'))).toBe('allowed');
  });

  it('forgets the failures of a key on reset', async () => {
    const key = throttleKey('tenant-1', 'reset@example.org');
    for (let i = 0; i < 3; i += 1) await fail(throttle, key);
    await throttle.reset(key);
    expect(await pass(throttle, key)).toBe('allowed');
  });
});

describe('login throttle in Redis', () => {
  it('shares its counters between replicas, and only within one deployment', async () => {
    const deployment = `test-${randomUUID()}`;
    const one = await createLoginThrottle({ maxFailures: 2, lockoutSeconds: 60, redisUrl: REDIS_URL, deployment });
    const two = await createLoginThrottle({ maxFailures: 2, lockoutSeconds: 60, redisUrl: REDIS_URL, deployment });
    const elsewhere = await createLoginThrottle({ maxFailures: 2, lockoutSeconds: 60, redisUrl: REDIS_URL, deployment: `test-${randomUUID()}` });
    const redis = new Redis(REDIS_URL);
    try {
      const key = throttleKey('tenant-1', 'shared@example.org');
      expect(await fail(one, key)).toBe('failed');
      expect(await fail(two, key)).toBe('failed');
      expect(await pass(one, key)).toBe('RATE_LIMITED');
      expect(await pass(two, key)).toBe('RATE_LIMITED');
      // Another deployment on the same Redis keeps counters of its own.
      expect(await pass(elsewhere, key)).toBe('allowed');
      // The counter is really in Redis, not in either process, under the deployment's namespace.
      const namespace = `${counterNamespace(deployment)}:login`;
      expect(await redis.keys(`${namespace}:*`)).toEqual([`${namespace}:${key}`]);
    } finally {
      await one.close();
      await two.close();
      await elsewhere.close();
      redis.disconnect();
    }
  });

  it('holds the limit for a burst spread over replicas', async () => {
    const deployment = `test-${randomUUID()}`;
    const replicas = await Promise.all([1, 2, 3].map(() => createLoginThrottle({ maxFailures: 4, lockoutSeconds: 60, redisUrl: REDIS_URL, deployment })));
    try {
      const key = throttleKey('tenant-1', 'spread@example.org');
      const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => fail(replicas[i % 3]!, key)));
      expect(outcomes.filter((o) => o === 'failed')).toHaveLength(4);
      expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(26);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });
});

describe('login throttle with Redis unreachable', () => {
  it('keeps counting in memory rather than failing every sign-in', async () => {
    const throttle = await createLoginThrottle({ maxFailures: 2, lockoutSeconds: 60, redisUrl: 'redis://127.0.0.1:1', deployment: 'test' });
    try {
      const key = throttleKey('tenant-1', 'offline@example.org');
      expect(await pass(throttle, key)).toBe('allowed');
      expect(await fail(throttle, key)).toBe('failed');
      expect(await fail(throttle, key)).toBe('failed');
      expect(await pass(throttle, key)).toBe('RATE_LIMITED');
    } finally {
      await throttle.close();
    }
  });
});
