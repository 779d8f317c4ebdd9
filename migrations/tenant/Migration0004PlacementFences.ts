import { Migration } from '@mikro-orm/migrations';

/**
 * Placement fences: a row here means "this hospital no longer lives in this placement" (it was moved
 * away). Every request transaction checks it after taking the hospital's shared hold, so a request
 * routed by a stale catalog entry can never be served from the old placement. Written only by the
 * owner (moves); the runtime role may only read its own hospital's row.
 */
export class Migration0004PlacementFences extends Migration {
  override up(): void {
    const current = `(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;
    this.addSql(`
      create table placement_fences (
        tenant_id uuid primary key,
        fenced_at timestamptz not null default now()
      )`);
    this.addSql('alter table placement_fences enable row level security');
    this.addSql('alter table placement_fences force row level security');
    this.addSql(`create policy tenant_isolation on placement_fences using (tenant_id = ${current}) with check (tenant_id = ${current})`);
  }
}
