import { Migration } from '@mikro-orm/migrations';

/**
 * Spare SCHEMA placements, migrated ahead of time so that creating a hospital renames one instead of
 * running the tenant migrations on the request path. A row exists before its schema is built
 * (`ready_at` null while building), so a spare whose builder died is found and dropped, and a ready
 * spare is claimed by locking its row (SKIP LOCKED: two provisionings never get the same one). Not
 * hospitals: nothing that lists tenants reads this table. Applied with search_path = catalog.
 */
export class Migration0005SpareSchemas extends Migration {
  override up(): void {
    this.addSql(`
      create table spare_schemas (
        schema_name text primary key check (schema_name ~ '^spare_[0-9a-f]{32}$'),
        migration_version text not null,
        created_at timestamptz not null default now(),
        ready_at timestamptz
      )`);
  }
}
