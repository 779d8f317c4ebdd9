import { randomBytes } from 'node:crypto';

/**
 * The first ADMIN of a hospital provisioned without a chosen password (bulk creation, converted demo
 * requests) gets a random one: shown once to the operator who provisioned it, stored only as its
 * argon2id hash, to be handed over out of band and changed by its owner.
 */
export function generateInitialPassword(): string {
  return randomBytes(18).toString('base64url');
}
