import { Migration } from '@mikro-orm/migrations';

/** Demo requests are listed newest first: their time is stored to the millisecond, as a cursor holds it (tenant Migration0011MillisecondInstants). */
export class Migration0008MillisecondInstants extends Migration {
  override up(): void {
    this.addSql("alter table demo_requests alter column created_at type timestamptz(3) using date_trunc('milliseconds', created_at)");
  }
}
