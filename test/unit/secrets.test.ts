import { randomUUID } from 'node:crypto';
import { formatApiKey, formatRefreshToken, hashSecret, newSecret, parseApiKey, parseRefreshToken, secretMatches } from '../../src/auth/secrets';
import { newTotpSecret, totpCode, totpStep } from '../../src/auth/totp';

describe('credential formats', () => {
  it('round-trips an API key to its id and secret', () => {
    const id = randomUUID();
    const secret = newSecret();
    expect(parseApiKey(formatApiKey(id, secret))).toEqual({ keyId: id, secret });
  });

  it('round-trips a refresh token to its session and secret', () => {
    const id = randomUUID();
    const secret = newSecret();
    expect(parseRefreshToken(formatRefreshToken(id, secret))).toEqual({ sessionId: id, secret });
  });

  it.each(['', 'sov_', `sov_${'0'.repeat(32)}_short`, `sk_${'0'.repeat(32)}_${newSecret()}`, `${randomUUID()}.${newSecret()}`])('does not take "%s" for an API key', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });

  it.each(['', 'a.b', `not-a-uuid.${newSecret()}`, `${randomUUID()}.${newSecret()}.extra`, `${randomUUID()}.short`])('does not take "%s" for a refresh token', (token) => {
    expect(parseRefreshToken(token)).toBeNull();
  });

  it('matches a secret against its hash only', () => {
    const secret = newSecret();
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    expect(secretMatches(newSecret(), hashSecret(secret))).toBe(false);
    expect(secretMatches(secret, 'not-a-hash')).toBe(false);
  });
});

describe('TOTP', () => {
  const { secret } = newTotpSecret('Sovereign', 'user@example.org');
  const now = 1_700_000_015_000; // 15 s into a 30 s step

  it('names the time step of a code within one step of now', () => {
    const step = Math.floor(now / 30_000);
    expect(totpStep(secret, totpCode(secret, now), now)).toBe(step);
    expect(totpStep(secret, totpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(totpStep(secret, totpCode(secret, now + 30_000), now)).toBe(step + 1);
  });

  it('refuses a code two steps away, a code of another secret, and anything that is not six digits', () => {
    expect(totpStep(secret, totpCode(secret, now - 60_000), now)).toBeNull();
    expect(totpStep(secret, totpCode(newTotpSecret('S', 'o').secret, now), now)).toBeNull();
    expect(totpStep(secret, 'abcdef', now)).toBeNull();
    expect(totpStep(secret, '1234567', now)).toBeNull();
  });

  it('accepts a code typed with a space in the middle', () => {
    const code = totpCode(secret, now);
    expect(totpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(Math.floor(now / 30_000));
  });
});
