import { Migration } from '@mikro-orm/migrations';

/** The central trail's note on an entry, as hospitals' trails have it (tenant Migration0008AuditDetail). */
export class Migration0007PlatformAuditDetail extends Migration {
  override up(): void {
    this.addSql('alter table platform_audit add column detail text');
  }
}
