import Redis from 'ioredis';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { createStaff, type Hospital } from '../fixtures/identity';
import { ChangePasswordDocument, LoginDocument } from './generated/graphql';

describe('login hardening', () => {
  let gw: TestGateway;
  let a: Hospital;
  let b: Hospital;

  const login = (email: string, password: string, slug?: string) => gw.gql(LoginDocument, { email, password }, { slug });

  beforeAll(async () => {
    gw = await TestGateway.start({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '600' });
    a = await gw.createTenant({ slug: 'hardening-a' });
    b = await gw.createTenant({ slug: 'hardening-b' });
  });
  afterAll(() => gw.stop());

  it('answers an unknown email and a wrong password with the same error', async () => {
    const unknown = await login('nobody@hardening-a.test', 'some long password', a.slug);
    const wrong = await login(`admin@${a.slug}.test`, 'some long password', a.slug);
    expect(unknown.errors).toEqual(wrong.errors);
    expect(unknown.errors?.[0]).toMatchObject({ message: 'Invalid email or password', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('locks one (hospital, email) after repeated failures, even for the right password, and nobody else', async () => {
    const target = await createStaff(gw, a, 'NURSE', 'target@example.org');
    await createStaff(gw, b, 'NURSE', 'target@example.org');
    for (let i = 0; i < 3; i += 1) expect(errorCode(await login(target.email, 'wrong password!', a.slug))).toBe('UNAUTHENTICATED');
    const locked = await login(target.email, STAFF_PASSWORD, a.slug);
    expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(locked.data).toBeNull();
    // The same address in another hospital, and another user of the same hospital, are not affected.
    expect(errorCode(await login(target.email, STAFF_PASSWORD, b.slug))).toBeUndefined();
    expect(errorCode(await login(`admin@${a.slug}.test`, STAFF_PASSWORD, a.slug))).toBeUndefined();
  });

  it('locks an unknown email exactly like a known one, so a lockout reveals nothing', async () => {
    for (let i = 0; i < 3; i += 1) await login('ghost@hardening-a.test', 'wrong password!', a.slug);
    expect(errorCode(await login('ghost@hardening-a.test', 'wrong password!', a.slug))).toBe('RATE_LIMITED');
  });

  it('counts wrong current passwords in changePassword towards the same lockout', async () => {
    const clerk = await createStaff(gw, a, 'BILLING', 'clerk@hardening-a.test');
    const change = (currentPassword: string) => gw.gql(ChangePasswordDocument, { input: { currentPassword, newPassword: 'another long password' } }, { slug: a.slug, token: clerk.token });
    for (let i = 0; i < 3; i += 1) expect(errorCode(await change('wrong password!'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await change(STAFF_PASSWORD))).toBe('RATE_LIMITED');
    expect(errorCode(await login(clerk.email, STAFF_PASSWORD, a.slug))).toBe('RATE_LIMITED');
  });
});

describe('login hardening with REDIS_URL', () => {
  it('keeps the lockout counters in Redis, keyed by hospital', async () => {
    const gw = await TestGateway.start({ LOGIN_MAX_FAILURES: '2', REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379' });
    const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
    try {
      const hospital = await gw.createTenant({ slug: 'hardening-redis' });
      for (let i = 0; i < 2; i += 1) await gw.gql(LoginDocument, { email: 'someone@example.org', password: 'wrong password!' }, { slug: hospital.slug });
      const locked = await gw.gql(LoginDocument, { email: 'someone@example.org', password: 'wrong password!' }, { slug: hospital.slug });
      expect(errorCode(locked)).toBe('RATE_LIMITED');
      expect(await redis.exists(`sovereign:login:${hospital.id}:someone@example.org`)).toBe(1);
    } finally {
      redis.disconnect();
      await gw.stop();
    }
  });
});
