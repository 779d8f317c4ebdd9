import { Migration } from '@mikro-orm/migrations';

/** Platform users' one-time MFA recovery codes, as hospital users have them (tenant Migration0007MfaRecoveryCodes). */
export class Migration0006PlatformMfaRecoveryCodes extends Migration {
  override up(): void {
    this.addSql(`alter table platform_users add column mfa_recovery_codes text[] not null default '{}'`);
  }
}
