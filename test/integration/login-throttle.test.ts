import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createLoginThrottle, throttleKey, type LoginThrottle } from '../../src/auth/login-throttle';
import { DomainError } from '../../src/errors';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function outcome(throttle: LoginThrottle, key: string): Promise<string> {
  return throttle.assertAllowed(key).then(
    () => 'allowed',
    (e: unknown) => (e instanceof DomainError ? e.code : 'unexpected'),
  );
}

describe.each([
  ['in memory', () => ({})],
  ['in Redis', () => ({ redisUrl: REDIS_URL, keyPrefix: `sovereign-test:${randomUUID()}` })],
])('login throttle %s', (_name, options) => {
  let throttle: LoginThrottle;

  beforeEach(async () => {
    throttle = await createLoginThrottle({ maxFailures: 3, lockoutSeconds: 60, ...options() });
  });
  afterEach(() => throttle.close());

  it('allows failures up to the limit and locks the key on the last one', async () => {
    const key = throttleKey('tenant-1', 'User@Example.org');
    for (let i = 0; i < 2; i += 1) {
      await throttle.recordFailure(key);
      expect(await outcome(throttle, key)).toBe('allowed');
    }
    await throttle.recordFailure(key);
    expect(await outcome(throttle, key)).toBe('RATE_LIMITED');
  });

  it('keys by hospital and normalised email', async () => {
    for (let i = 0; i < 3; i += 1) await throttle.recordFailure(throttleKey('tenant-1', ' Nurse@Example.org'));
    expect(await outcome(throttle, throttleKey('tenant-1', 'nurse@example.org'))).toBe('RATE_LIMITED');
    expect(await outcome(throttle, throttleKey('tenant-2', 'nurse@example.org'))).toBe('allowed');
    expect(await outcome(throttle, throttleKey('platform', 'nurse@example.org'))).toBe('allowed');
  });

  it('forgets the failures of a key on reset', async () => {
    const key = throttleKey('tenant-1', 'reset@example.org');
    for (let i = 0; i < 3; i += 1) await throttle.recordFailure(key);
    await throttle.reset(key);
    expect(await outcome(throttle, key)).toBe('allowed');
  });
});

describe('login throttle in Redis', () => {
  it('shares its counters between replicas', async () => {
    const keyPrefix = `sovereign-test:${randomUUID()}`;
    const one = await createLoginThrottle({ maxFailures: 2, lockoutSeconds: 60, redisUrl: REDIS_URL, keyPrefix });
    const two = await createLoginThrottle({ maxFailures: 2, lockoutSeconds: 60, redisUrl: REDIS_URL, keyPrefix });
    const redis = new Redis(REDIS_URL);
    try {
      const key = throttleKey('tenant-1', 'shared@example.org');
      await one.recordFailure(key);
      await two.recordFailure(key);
      expect(await outcome(one, key)).toBe('RATE_LIMITED');
      expect(await outcome(two, key)).toBe('RATE_LIMITED');
      // The counter is really in Redis, not in either process.
      expect(await redis.keys(`${keyPrefix}:*`)).toEqual([`${keyPrefix}:${key}`]);
    } finally {
      await one.close();
      await two.close();
      redis.disconnect();
    }
  });
});

describe('login throttle with Redis unreachable', () => {
  it('keeps counting in memory rather than failing every sign-in', async () => {
    const throttle = await createLoginThrottle({ maxFailures: 2, lockoutSeconds: 60, redisUrl: 'redis://127.0.0.1:1' });
    try {
      const key = throttleKey('tenant-1', 'offline@example.org');
      expect(await outcome(throttle, key)).toBe('allowed');
      await throttle.recordFailure(key);
      await throttle.recordFailure(key);
      expect(await outcome(throttle, key)).toBe('RATE_LIMITED');
    } finally {
      await throttle.close();
    }
  });
});
