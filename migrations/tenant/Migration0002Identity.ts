import { Migration } from '@mikro-orm/migrations';

const TENANT_ROLES = `array['ADMIN', 'DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH', 'BILLING']::text[]`;

/**
 * Identity and access inside a hospital: user status and second factor, sign-in sessions (one row
 * per refresh-token family), API keys, hospital settings (require MFA), and the first clinical
 * field of a patient. Same walls as Migration0001Core: tenant_id, forced row-level security and
 * composite (tenant_id, id) foreign keys.
 */
export class Migration0002Identity extends Migration {
  override up(): void {
    this.addSql(`
      alter table users
        add column active boolean not null default true,
        add column deactivated_at timestamptz,
        add column updated_at timestamptz not null default now(),
        add column mfa_secret text,
        add column mfa_pending_secret text,
        add column mfa_enabled_at timestamptz,
        add column mfa_last_step integer,
        add constraint users_roles_valid check (cardinality(roles) >= 1 and roles <@ ${TENANT_ROLES})`);
    this.addSql(`
      create table auth_sessions (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid not null,
        token_hash text not null,
        mfa boolean not null default false,
        created_at timestamptz not null default now(),
        last_used_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz,
        unique (tenant_id, id),
        foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
      )`);
    this.addSql('create index auth_sessions_user_idx on auth_sessions (tenant_id, user_id) where revoked_at is null');
    this.addSql(`
      create table api_keys (
        id uuid primary key,
        tenant_id uuid not null,
        name text not null,
        role text not null check (role = any (${TENANT_ROLES})),
        secret_hash text not null,
        created_by_id uuid,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        unique (tenant_id, id),
        foreign key (tenant_id, created_by_id) references users (tenant_id, id)
      )`);
    this.addSql('create unique index api_keys_active_name_key on api_keys (tenant_id, lower(name)) where revoked_at is null');
    this.addSql('alter table patients add column clinical_notes text');
    for (const table of ['auth_sessions', 'api_keys']) this.enableRowLevelSecurity(table);
  }

  private enableRowLevelSecurity(table: string): void {
    const current = `(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;
    this.addSql(`alter table ${table} enable row level security`);
    this.addSql(`alter table ${table} force row level security`);
    this.addSql(`create policy tenant_isolation on ${table} using (tenant_id = ${current}) with check (tenant_id = ${current})`);
  }
}
