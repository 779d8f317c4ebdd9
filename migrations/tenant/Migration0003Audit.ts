import { Migration } from '@mikro-orm/migrations';

/**
 * The hospital's audit trail, append-only at the database level: the runtime role is granted INSERT
 * and SELECT only (see APPEND_ONLY_TABLES), and a trigger refuses UPDATE, DELETE and TRUNCATE for
 * everyone. The one exception is purging a hospital from the shared schema: the purge sets
 * `sovereign.purging_tenant` for its own transaction, and only that hospital's rows may then go.
 */
export class Migration0003Audit extends Migration {
  override up(): void {
    this.addSql(`
      create table audit_log (
        id uuid primary key,
        tenant_id uuid not null,
        at timestamptz not null default now(),
        actor_id uuid,
        actor_kind text not null check (actor_kind in ('tenant', 'platform', 'apiKey', 'anonymous')),
        actor_role text,
        operation text not null,
        operation_type text not null check (operation_type in ('query', 'mutation')),
        record_ids text[] not null default '{}',
        outcome text not null check (outcome in ('SUCCESS', 'FAILURE', 'ROLLED_BACK')),
        error_code text,
        client_address text,
        request_id text,
        unique (tenant_id, id)
      )`);
    this.addSql('create index audit_log_at_idx on audit_log (tenant_id, at desc, id desc)');
    this.addSql('create index audit_log_actor_idx on audit_log (tenant_id, actor_id, at desc)');
    this.addSql('create index audit_log_records_idx on audit_log using gin (record_ids)');
    this.addSql(`
      create function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          if old.tenant_id::text = current_setting('sovereign.purging_tenant', true) then
            return old;
          end if;
        end if;
        raise exception 'the audit trail is append-only' using errcode = 'insufficient_privilege';
      end $$`);
    this.addSql(`create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_append_only()`);
    this.addSql(`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only()`);

    const current = `(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;
    this.addSql('alter table audit_log enable row level security');
    this.addSql('alter table audit_log force row level security');
    this.addSql(`create policy tenant_isolation on audit_log using (tenant_id = ${current}) with check (tenant_id = ${current})`);
  }
}
