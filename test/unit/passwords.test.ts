import argon2 from 'argon2';
import { hashPassword, passwordNeedsRehash, verifyPassword } from '../../src/auth/passwords';

const PASSWORD = 'correct horse battery staple';

describe('password hashing', () => {
  it('hashes new passwords with argon2id at the OWASP parameters (m = 19 MiB, t = 2, p = 1)', async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(passwordNeedsRehash(hash)).toBe(false);
    expect(await verifyPassword(hash, PASSWORD)).toBe(true);
  });

  it.each([
    ['the earlier default (64 MiB, t = 3, p = 4)', () => argon2.hash(PASSWORD, { type: argon2.argon2id })],
    ['a heavier memory cost', () => argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 47_104, timeCost: 2, parallelism: 1 })],
    ['another variant (argon2i) at the same parameters', () => argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 19_456, timeCost: 2, parallelism: 1 })],
  ])('still verifies but asks to rehash %s', async (_label, make) => {
    const hash = await make();
    expect(passwordNeedsRehash(hash)).toBe(true);
    expect(await verifyPassword(hash, PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, 'wrong password, long enough')).toBe(false);
  });

  it('asks to rehash a stored value that is not an argon2 hash at all', () => {
    expect(passwordNeedsRehash('not-a-hash')).toBe(true);
  });

  it('refuses every password when there is no user (the dummy hash is checked, never matched)', async () => {
    expect(await verifyPassword(undefined, 'sovereign-timing-equaliser')).toBe(false);
    expect(await verifyPassword(undefined, PASSWORD)).toBe(false);
  });
});
