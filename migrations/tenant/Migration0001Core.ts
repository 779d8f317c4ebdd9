import { Migration } from '@mikro-orm/migrations';

/**
 * Tenant migrations are applied to every placement with search_path set to the placement's schema,
 * so table names are unqualified. Every table has tenant_id, row-level security (forced, also in
 * SCHEMA and DATABASE placements: one migration set for all modes) and composite (tenant_id, id)
 * foreign keys so that a reference can never point at another tenant's row.
 */
export class Migration0001Core extends Migration {
  override up(): void {
    this.addSql(`
      create table users (
        id uuid primary key,
        tenant_id uuid not null,
        email text not null,
        password_hash text not null,
        display_name text not null default '',
        roles text[] not null default '{}',
        created_at timestamptz not null default now(),
        unique (tenant_id, id),
        unique (tenant_id, email)
      )`);
    this.addSql(`
      create table patients (
        id uuid primary key,
        tenant_id uuid not null,
        mrn text not null,
        first_name text not null,
        last_name text not null,
        birth_date date not null,
        created_by_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, id),
        unique (tenant_id, mrn),
        foreign key (tenant_id, created_by_id) references users (tenant_id, id) deferrable initially immediate
      )`);
    this.addSql('create index patients_name_idx on patients (tenant_id, last_name, first_name, id)');
    for (const table of ['users', 'patients']) this.enableRowLevelSecurity(table);
  }

  private enableRowLevelSecurity(table: string): void {
    // The setting is read once per statement (initplan), and unset or '' matches no row.
    const current = `(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;
    this.addSql(`alter table ${table} enable row level security`);
    this.addSql(`alter table ${table} force row level security`);
    this.addSql(`create policy tenant_isolation on ${table} using (tenant_id = ${current}) with check (tenant_id = ${current})`);
  }
}
