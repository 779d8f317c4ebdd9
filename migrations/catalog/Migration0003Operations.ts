import { Migration } from '@mikro-orm/migrations';

/**
 * Operating the fleet: hospital contact details and limits, the deletion lifecycle (retention, legal
 * hold), per-hospital migration state (so a failed run resumes), demo requests, and the central audit
 * trail of platform actions (append-only). Applied with search_path = catalog.
 */
export class Migration0003Operations extends Migration {
  override up(): void {
    this.addSql(`
      alter table tenants
        add column contact_email text,
        add column contact_phone text,
        add column address text,
        add column max_users integer check (max_users >= 0),
        add column max_assets integer check (max_assets >= 0),
        add column deleted_at timestamptz,
        add column purge_after timestamptz,
        add column legal_hold boolean not null default false,
        add column legal_hold_reason text`);

    this.addSql(`
      create table migration_runs (
        id bigint generated always as identity primary key,
        target text not null,
        scope text not null,
        status text not null check (status in ('RUNNING', 'SUCCEEDED', 'FAILED', 'INTERRUPTED')),
        total integer not null default 0,
        succeeded integer not null default 0,
        failed integer not null default 0,
        started_at timestamptz not null default now(),
        finished_at timestamptz
      )`);
    this.addSql(`
      create table tenant_migration_state (
        tenant_id uuid primary key references tenants (id) on delete cascade,
        run_id bigint not null references migration_runs (id),
        target text not null,
        status text not null check (status in ('RUNNING', 'DONE', 'FAILED')),
        error text,
        attempts integer not null default 0,
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index tenant_migration_state_failed on tenant_migration_state (status) where status <> \'DONE\'');

    this.addSql(`
      create table demo_requests (
        id uuid primary key,
        hospital_name text not null,
        contact_name text not null,
        email text not null,
        phone text,
        message text,
        status text not null check (status in ('PENDING', 'CONVERTED')) default 'PENDING',
        client_address text,
        tenant_id uuid references tenants (id) on delete set null,
        created_at timestamptz not null default now(),
        converted_at timestamptz
      )`);
    this.addSql('create index demo_requests_status_idx on demo_requests (status, created_at, id)');

    // No foreign key to tenants: the trail outlives a purged hospital.
    this.addSql(`
      create table platform_audit (
        id uuid primary key,
        at timestamptz not null default now(),
        actor_id uuid,
        actor_email text,
        operation text not null,
        tenant_id uuid,
        tenant_slug text,
        record_ids text[] not null default '{}',
        outcome text not null check (outcome in ('SUCCESS', 'FAILURE', 'ROLLED_BACK')),
        error_code text,
        client_address text,
        request_id text,
        source text not null default 'API'
      )`);
    this.addSql('create index platform_audit_at_idx on platform_audit (at desc, id)');
    this.addSql('create index platform_audit_tenant_idx on platform_audit (tenant_id, at desc)');
    this.addSql(`
      create function platform_audit_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'the platform audit trail is append-only' using errcode = 'insufficient_privilege';
      end $$`);
    this.addSql(`create trigger platform_audit_append_only before update or delete on platform_audit
      for each row execute function platform_audit_append_only()`);
    this.addSql(`create trigger platform_audit_no_truncate before truncate on platform_audit
      for each statement execute function platform_audit_append_only()`);
  }
}
