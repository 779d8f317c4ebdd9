import argon2 from 'argon2';
import Redis from 'ioredis';
import { User } from '../../src/modules/users/user.entity';
import { runInTenant } from '../../src/tenancy';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { createStaff, type Hospital } from '../fixtures/identity';
import { ChangePasswordDocument, LoginDocument } from './generated/graphql';
import { TEST_REDIS_URL } from '../fixtures/redis';

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

  it('checks no more passwords than the limit when attempts arrive at once, and then refuses the right one', async () => {
    const target = await createStaff(gw, a, 'DOCTOR', 'burst@hardening-a.test');
    const burst = await Promise.all(Array.from({ length: 20 }, () => login(target.email, 'wrong password!', a.slug)));
    const codes = burst.map(errorCode);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(3);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(17);
    expect(errorCode(await login(target.email, STAFF_PASSWORD, a.slug))).toBe('RATE_LIMITED');
  });

  it('locks an unknown email exactly like a known one, so a lockout reveals nothing', async () => {
    for (let i = 0; i < 3; i += 1) await login('ghost@hardening-a.test', 'wrong password!', a.slug);
    expect(errorCode(await login('ghost@hardening-a.test', 'wrong password!', a.slug))).toBe('RATE_LIMITED');
  });

  it('replaces a hash made under earlier argon2 parameters on the next successful sign-in, and only then', async () => {
    const staff = await createStaff(gw, a, 'DOCTOR', 'legacy@hardening-a.test');
    const record = (await gw.tenancy.store.bySlug(a.slug))!;
    const storedHash = () => runInTenant(gw.tenancy.pools, record, async (em) => (await em.findOneOrFail(User, { email: staff.email }, { populate: ['passwordHash'] })).passwordHash);
    const legacy = await argon2.hash(STAFF_PASSWORD, { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    await runInTenant(gw.tenancy.pools, record, (em) => em.nativeUpdate(User, { email: staff.email }, { passwordHash: legacy }));

    expect(errorCode(await login(staff.email, 'wrong password!', a.slug))).toBe('UNAUTHENTICATED');
    expect(await storedHash()).toBe(legacy);

    expect(errorCode(await login(staff.email, STAFF_PASSWORD, a.slug))).toBeUndefined();
    const upgraded = await storedHash();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(errorCode(await login(staff.email, STAFF_PASSWORD, a.slug))).toBeUndefined();
    expect(await storedHash()).toBe(upgraded);
  });

  it('counts wrong current passwords in changePassword on a lockout of the user’s own, not the sign-in one', async () => {
    const clerk = await createStaff(gw, a, 'BILLING', 'clerk@hardening-a.test');
    const change = (currentPassword: string) => gw.gql(ChangePasswordDocument, { input: { currentPassword, newPassword: 'another long password' } }, { slug: a.slug, token: clerk.token });
    for (let i = 0; i < 3; i += 1) expect(errorCode(await change('wrong password!'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await change(STAFF_PASSWORD))).toBe('RATE_LIMITED');
    expect(errorCode(await login(clerk.email, STAFF_PASSWORD, a.slug))).toBeUndefined();
  });

  it('does not let failed anonymous sign-ins stop a signed-in user managing their own account', async () => {
    const victim = await createStaff(gw, a, 'RECEPTIONIST', 'victim@hardening-a.test');
    for (let i = 0; i < 3; i += 1) expect(errorCode(await login(victim.email, 'wrong password!', a.slug))).toBe('UNAUTHENTICATED');
    expect(errorCode(await login(victim.email, STAFF_PASSWORD, a.slug))).toBe('RATE_LIMITED');
    const changed = await gw.gql(ChangePasswordDocument, { input: { currentPassword: STAFF_PASSWORD, newPassword: 'another long password' } }, { slug: a.slug, token: victim.token });
    expect(errorCode(changed)).toBeUndefined();
    expect(changed.data?.changePassword).toBe(true);
  });
});

describe('login hardening with REDIS_URL', () => {
  it('keeps the lockout counters in Redis, namespaced by deployment and keyed by hospital', async () => {
    const gw = await TestGateway.start({ LOGIN_MAX_FAILURES: '2', REDIS_URL: TEST_REDIS_URL });
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const hospital = await gw.createTenant({ slug: 'hardening-redis' });
      for (let i = 0; i < 2; i += 1) await gw.gql(LoginDocument, { email: 'someone@example.org', password: 'wrong password!' }, { slug: hospital.slug });
      const locked = await gw.gql(LoginDocument, { email: 'someone@example.org', password: 'wrong password!' }, { slug: hospital.slug });
      expect(errorCode(locked)).toBe('RATE_LIMITED');
      const deployment = new URL(gw.databaseUrl).pathname.slice(1);
      expect(await redis.exists(`sovereign:rate:${deployment}:login:${hospital.id}:someone@example.org`)).toBe(1);

      // A burst at once checks no more passwords than the limit.
      const burst = await Promise.all(Array.from({ length: 15 }, () => gw.gql(LoginDocument, { email: 'burst@example.org', password: 'wrong password!' }, { slug: hospital.slug })));
      expect(burst.map(errorCode).filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(2);
      expect(burst.map(errorCode).filter((c) => c === 'RATE_LIMITED')).toHaveLength(13);
    } finally {
      redis.disconnect();
      await gw.stop();
    }
  });
});
