import { Migration } from '@mikro-orm/migrations';

/**
 * One-time recovery codes for a user who has lost their authenticator: the SHA-256 of each unused
 * code (see src/auth/recovery-codes.ts). A code is removed from the array as it is used.
 */
export class Migration0007MfaRecoveryCodes extends Migration {
  override up(): void {
    this.addSql(`alter table users add column mfa_recovery_codes text[] not null default '{}'`);
  }
}
