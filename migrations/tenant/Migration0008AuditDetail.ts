import { Migration } from '@mikro-orm/migrations';

/** A note on an audit entry beyond who, what and how it ended, e.g. that a sign-in's second factor was a recovery code. */
export class Migration0008AuditDetail extends Migration {
  override up(): void {
    this.addSql('alter table audit_log add column detail text');
  }
}
