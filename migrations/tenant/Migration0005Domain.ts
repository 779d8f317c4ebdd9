import { Migration } from '@mikro-orm/migrations';

const CURRENT = `(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;

/** `(tenant_id, column) → table (tenant_id, id)`: a reference can never point at another hospital's row. */
function ref(column: string, table: string): string {
  return `foreign key (tenant_id, ${column}) references ${table} (tenant_id, id) deferrable initially immediate`;
}

const TABLES: Record<string, string> = {
  departments: `
    name text not null,
    code text not null,
    created_at timestamptz not null default now(),
    unique (tenant_id, code)`,
  staff_assignments: `
    user_id uuid not null,
    department_id uuid not null,
    job_title text not null,
    specialty text,
    created_at timestamptz not null default now(),
    unique (tenant_id, user_id, department_id),
    ${ref('user_id', 'users')},
    ${ref('department_id', 'departments')}`,
  patient_contacts: `
    patient_id uuid not null,
    kind text not null,
    value text not null,
    label text,
    ${ref('patient_id', 'patients')}`,
  patient_allergies: `
    patient_id uuid not null,
    substance text not null,
    reaction text,
    severity text not null,
    ${ref('patient_id', 'patients')}`,
  patient_insurances: `
    patient_id uuid not null,
    provider text not null,
    policy_number text not null,
    valid_until date,
    ${ref('patient_id', 'patients')}`,
  appointments: `
    patient_id uuid not null,
    clinician_id uuid not null,
    department_id uuid,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    reason text not null default '',
    status text not null default 'SCHEDULED',
    created_at timestamptz not null default now(),
    check (ends_at > starts_at),
    ${ref('patient_id', 'patients')},
    ${ref('clinician_id', 'users')},
    ${ref('department_id', 'departments')},
    constraint appointments_no_double_booking exclude using gist (
      tenant_id with =, clinician_id with =, tstzrange(starts_at, ends_at) with &&
    ) where (status in ('SCHEDULED', 'CHECKED_IN', 'COMPLETED'))`,
  encounters: `
    patient_id uuid not null,
    clinician_id uuid not null,
    department_id uuid,
    appointment_id uuid,
    started_at timestamptz not null default now(),
    notes text not null default '',
    ${ref('patient_id', 'patients')},
    ${ref('clinician_id', 'users')},
    ${ref('department_id', 'departments')},
    ${ref('appointment_id', 'appointments')}`,
  diagnoses: `
    encounter_id uuid not null,
    icd10_code text not null,
    description text not null,
    created_at timestamptz not null default now(),
    ${ref('encounter_id', 'encounters')}`,
  prescriptions: `
    encounter_id uuid not null,
    prescribed_by_id uuid not null,
    medication text not null,
    dosage text not null,
    frequency text not null,
    duration_days integer,
    created_at timestamptz not null default now(),
    ${ref('encounter_id', 'encounters')},
    ${ref('prescribed_by_id', 'users')}`,
  vitals: `
    patient_id uuid not null,
    encounter_id uuid,
    recorded_by_id uuid not null,
    recorded_at timestamptz not null default now(),
    heart_rate integer,
    systolic integer,
    diastolic integer,
    temperature_c double precision,
    respiratory_rate integer,
    oxygen_saturation integer,
    ${ref('patient_id', 'patients')},
    ${ref('encounter_id', 'encounters')},
    ${ref('recorded_by_id', 'users')}`,
  lab_orders: `
    patient_id uuid not null,
    ordered_by_id uuid not null,
    test_code text not null,
    test_name text not null,
    status text not null default 'ORDERED',
    ordered_at timestamptz not null default now(),
    ${ref('patient_id', 'patients')},
    ${ref('ordered_by_id', 'users')}`,
  lab_results: `
    lab_order_id uuid not null,
    patient_id uuid not null,
    recorded_by_id uuid not null,
    analyte text not null,
    value text not null,
    unit text not null default '',
    reference_range text not null default '',
    abnormal boolean not null default false,
    recorded_at timestamptz not null default now(),
    ${ref('lab_order_id', 'lab_orders')},
    ${ref('patient_id', 'patients')},
    ${ref('recorded_by_id', 'users')}`,
  invoices: `
    patient_id uuid not null,
    number text not null,
    status text not null default 'DRAFT',
    currency text not null,
    total_cents integer not null default 0,
    paid_cents integer not null default 0,
    issued_at timestamptz,
    created_at timestamptz not null default now(),
    unique (tenant_id, number),
    check (paid_cents <= total_cents),
    ${ref('patient_id', 'patients')}`,
  invoice_lines: `
    invoice_id uuid not null,
    description text not null,
    quantity integer not null check (quantity > 0),
    unit_price_cents integer not null check (unit_price_cents >= 0),
    ${ref('invoice_id', 'invoices')}`,
  payments: `
    invoice_id uuid not null,
    amount_cents integer not null check (amount_cents > 0),
    method text not null,
    received_at timestamptz not null default now(),
    ${ref('invoice_id', 'invoices')}`,
  hospital_settings: `
    timezone text not null default 'UTC',
    currency text not null default 'USD',
    locale text not null default 'en-US',
    brand_name text,
    logo_url text,
    primary_color text,
    enabled_modules text[] not null,
    require_mfa boolean not null default false,
    updated_at timestamptz not null default now(),
    unique (tenant_id)`,
};

/**
 * The hospital domain. Same rules as Migration0001Core: tenant_id everywhere, forced row-level
 * security, composite foreign keys. The double-booking rule is an exclusion constraint, which needs
 * btree_gist; the extension is per database and is installed into `public` (never into a tenant
 * schema, which a dropped hospital would take with it), under a lock so concurrent placements of one
 * database do not race to create it.
 */
export class Migration0005Domain extends Migration {
  override up(): void {
    this.addSql(`select pg_advisory_xact_lock(hashtext('sovereign-extension:btree_gist'))`);
    this.addSql('create extension if not exists btree_gist with schema public');
    this.addSql(`alter table patients add column department_id uuid, add column archived_at timestamptz,
      add column search tsvector generated always as (
        setweight(to_tsvector('simple', coalesce(mrn, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(last_name, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(first_name, '')), 'B')) stored`);
    for (const [table, columns] of Object.entries(TABLES)) {
      this.addSql(`create table ${table} (id uuid primary key, tenant_id uuid not null, ${columns}, unique (tenant_id, id))`);
      this.enableRowLevelSecurity(table);
    }
    this.addSql(`alter table patients add ${ref('department_id', 'departments')}`);
    this.addSql('create index patients_search_idx on patients using gin (search)');
    this.addSql('create index appointments_patient_idx on appointments (tenant_id, patient_id, starts_at)');
    this.addSql('create index appointments_time_idx on appointments (tenant_id, starts_at, id)');
    this.addSql('create index lab_orders_patient_idx on lab_orders (tenant_id, patient_id, ordered_at)');
    this.addSql('create index lab_results_patient_idx on lab_results (tenant_id, patient_id, recorded_at)');
    this.addSql('create index invoices_patient_idx on invoices (tenant_id, patient_id, status)');
    this.addSql('create index encounters_patient_idx on encounters (tenant_id, patient_id, started_at)');
    for (const table of ['patient_contacts', 'patient_allergies', 'patient_insurances', 'vitals']) {
      this.addSql(`create index ${table}_patient_idx on ${table} (tenant_id, patient_id)`);
    }
    for (const [table, column] of [['diagnoses', 'encounter_id'], ['prescriptions', 'encounter_id'], ['lab_results', 'lab_order_id'], ['invoice_lines', 'invoice_id'], ['payments', 'invoice_id'], ['staff_assignments', 'department_id']]) {
      this.addSql(`create index ${table}_${column}_idx on ${table} (tenant_id, ${column})`);
    }
  }

  private enableRowLevelSecurity(table: string): void {
    this.addSql(`alter table ${table} enable row level security`);
    this.addSql(`alter table ${table} force row level security`);
    this.addSql(`create policy tenant_isolation on ${table} using (tenant_id = ${CURRENT}) with check (tenant_id = ${CURRENT})`);
  }
}
