import { Migration } from '@mikro-orm/migrations';

/** The catalog: hospitals, their placements and domains, platform users. Applied with search_path = catalog. */
export class Migration0001Catalog extends Migration {
  override up(): void {
    this.addSql(`
      create table tenants (
        id uuid primary key,
        slug text not null,
        name text not null,
        isolation text not null check (isolation in ('SHARED', 'SCHEMA', 'DATABASE')),
        plan text not null check (plan in ('TRIAL', 'BASIC', 'PROFESSIONAL', 'ENTERPRISE')),
        status text not null check (status in ('PROVISIONING', 'ACTIVE', 'SUSPENDED', 'DELETED')),
        server_name text not null,
        database_name text not null,
        schema_name text not null,
        migration_version text,
        trial_ends_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create unique index tenants_slug_key on tenants (lower(slug))');
    this.addSql(`
      create table tenant_domains (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        hostname text not null,
        is_primary boolean not null default false
      )`);
    this.addSql('create unique index tenant_domains_hostname_key on tenant_domains (lower(hostname))');
    this.addSql('create unique index tenant_domains_one_primary on tenant_domains (tenant_id) where is_primary');
    this.addSql(`
      create table platform_users (
        id uuid primary key,
        email text not null,
        password_hash text not null,
        created_at timestamptz not null default now()
      )`);
    this.addSql('create unique index platform_users_email_key on platform_users (lower(email))');
  }
}
