import { Migration } from '@mikro-orm/migrations';

/**
 * Moves in progress: one row per hospital being moved (the primary key makes a second concurrent move
 * of the same hospital impossible), naming both placements so that a move interrupted by a crash can
 * be finished or undone by the next attempt. Applied with search_path = catalog.
 */
export class Migration0004Transfer extends Migration {
  override up(): void {
    this.addSql(`
      create table tenant_transfers (
        tenant_id uuid primary key references tenants (id) on delete cascade,
        source_isolation text not null,
        source_server text not null,
        source_database text not null,
        source_schema text not null,
        target_isolation text not null,
        target_server text not null,
        target_database text not null,
        target_schema text not null,
        started_at timestamptz not null default now(),
        heartbeat_at timestamptz not null default now()
      )`);
  }
}
