import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts secrets that must be read back (TOTP seeds) before they are stored: AES-256-GCM with a
 * fresh 96-bit nonce each time, stored as `v1.<nonce>.<ciphertext>.<tag>` (base64url). A value
 * without the prefix was stored before encryption and is returned as it is (a TOTP seed is base32, so
 * it can never look sealed); it is sealed when next written.
 */
export class SecretBox {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  }

  seal(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, nonce, sealed, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** The plain secret; throws when the value was altered or sealed under another key. */
  open(stored: string): string {
    const [version, nonce, sealed, tag] = stored.split('.');
    if (version !== VERSION || !nonce || !sealed || !tag) return stored;
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  }
}
