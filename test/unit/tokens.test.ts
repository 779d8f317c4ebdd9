import { SignJWT, UnsecuredJWT } from 'jose';
import { TokenService } from '../../src/auth/tokens';
import { DomainError } from '../../src/errors';

const secret = new TextEncoder().encode('unit-test-secret-unit-test-secret-0123');
const tokens = new TokenService(secret, 60);

async function codeOf(token: string): Promise<string> {
  return tokens.verify(token).then(
    () => 'accepted',
    (e: unknown) => (e instanceof DomainError ? e.code : 'unexpected'),
  );
}

function claims() {
  return new SignJWT({ kind: 'tenant', tid: 't1', sid: 's1' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuedAt();
}

describe('access tokens', () => {
  it('round-trips the claims it signs', async () => {
    const token = await tokens.sign({ sub: 'u1', kind: 'tenant', sid: 's1', tid: 't1' });
    await expect(tokens.verify(token)).resolves.toEqual({ sub: 'u1', kind: 'tenant', sid: 's1', tid: 't1' });
  });

  it('carries no roles: they are read from the database on every request', async () => {
    const token = await tokens.sign({ sub: 'u1', kind: 'platform', sid: 's1' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'kind', 'sid', 'sub']);
  });

  it.each([
    ['forged with another secret', () => claims().setIssuer('sovereign').setAudience('sovereign-api').setExpirationTime('1m').sign(new TextEncoder().encode('another-secret-another-secret-0000'))],
    ['expired', () => claims().setIssuer('sovereign').setAudience('sovereign-api').setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(secret)],
    ['alg none', async () => new UnsecuredJWT({ kind: 'platform', sid: 's1' }).setSubject('u1').setIssuer('sovereign').setAudience('sovereign-api').setExpirationTime('1m').encode()],
    ['wrong audience', () => claims().setIssuer('sovereign').setAudience('someone-else').setExpirationTime('1m').sign(secret)],
    ['wrong issuer', () => claims().setIssuer('mallory').setAudience('sovereign-api').setExpirationTime('1m').sign(secret)],
    ['a token without its session', () => new SignJWT({ kind: 'platform' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuer('sovereign').setAudience('sovereign-api').setExpirationTime('1m').sign(secret)],
    ['without an expiry (it would never expire)', () => claims().setIssuer('sovereign').setAudience('sovereign-api').sign(secret)],
    ['a tenant token without its tenant', () => new SignJWT({ kind: 'tenant', sid: 's1' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuer('sovereign').setAudience('sovereign-api').setExpirationTime('1m').sign(secret)],
    ['garbage', async () => 'not.a.token'],
  ])('refuses a token that is %s with UNAUTHENTICATED', async (_name, make) => {
    expect(await codeOf(await make())).toBe('UNAUTHENTICATED');
  });

  it('remembers a verified token only until it expires, and never a token that differs from it', async () => {
    // Two seconds, not one: expiry is in whole seconds, so a one-second token signed late in a second
    // may already have expired when it is verified a moment later, in the next one.
    const shortLived = new TokenService(secret, 2);
    const token = await shortLived.sign({ sub: 'u1', kind: 'tenant', sid: 's1', tid: 't1' });
    await expect(shortLived.verify(token)).resolves.toMatchObject({ sub: 'u1' });
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(shortLived.verify(`${header}.${payload}.${flipped}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    await expect(shortLived.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'Token expired' });
  });
});

