import { SecretBox } from '../../src/auth/secret-box';
import { loadConfig } from '../../src/config';

describe('sealed secrets (TOTP seeds at rest)', () => {
  const box = new SecretBox(Buffer.alloc(32, 1));
  const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  it('seals to a versioned ciphertext that opens to the seed, never the same twice', () => {
    const a = box.seal(seed);
    const b = box.seal(seed);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain(seed);
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe(seed);
    expect(box.open(b)).toBe(seed);
  });

  it('refuses an altered value and a value sealed under another key', () => {
    const sealed = box.seal(seed);
    const [v, nonce, body, tag] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, nonce, flipped.toString('base64url'), tag].join('.'))).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow();
  });

  it('reads a seed stored before sealing as it is', () => {
    expect(box.open(seed)).toBe(seed);
  });

  it('needs SECRETS_ENCRYPTION_KEY in production, of 32 bytes', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), APP_DB_PASSWORD: 'x', DATA_DIR: '/nonexistent' };
    expect(() => loadConfig(production)).toThrow('SECRETS_ENCRYPTION_KEY is required');
    expect(() => loadConfig({ ...production, SECRETS_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow('must be 32 bytes');
    expect(loadConfig({ ...production, SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') }).secretsKey).toEqual(new Uint8Array(Buffer.alloc(32, 3)));
    // Elsewhere a key is derived from the JWT secret: stable for one secret, different for another.
    const dev = (jwt: string) => loadConfig({ NODE_ENV: 'test', JWT_SECRET: jwt, DATA_DIR: '/nonexistent' }).secretsKey;
    expect(dev('a'.repeat(40))).toEqual(dev('a'.repeat(40)));
    expect(dev('a'.repeat(40))).not.toEqual(dev('b'.repeat(40)));
  });
});
