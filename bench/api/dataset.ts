import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { Client } from 'pg';
import { Isolation, Plan, type Tenancy } from '../../src/tenancy';
import { quoteIdent, type Placement } from '../../src/tenancy/placement';

/** Size of the generated dataset; every figure comes from the environment so a small run is possible. */
export interface DatasetSize {
  hospitals: number;
  patients: number;
  appointments: number;
  departments: number;
  /** `mixed`: SHARED, SCHEMA, DATABASE in turn; or every hospital in one mode. */
  isolation: 'mixed' | Isolation;
}

export function datasetSize(env: Record<string, string | undefined> = process.env): DatasetSize {
  const isolation = (env.BENCH_ISOLATION ?? 'mixed').toUpperCase();
  if (isolation !== 'MIXED' && !(isolation in Isolation)) throw new Error('BENCH_ISOLATION must be mixed, SHARED, SCHEMA or DATABASE');
  return {
    hospitals: Number(env.BENCH_HOSPITALS ?? 100),
    patients: Number(env.BENCH_PATIENTS ?? 2000),
    appointments: Number(env.BENCH_APPOINTMENTS ?? 5),
    departments: Number(env.BENCH_DEPARTMENTS ?? 10),
    isolation: isolation === 'MIXED' ? 'mixed' : (isolation as Isolation),
  };
}

/** One generated hospital: what the load generator needs to address it and to check answers. */
export interface BenchHospital {
  index: number;
  id: string;
  slug: string;
  isolation: Isolation;
  placement: Placement;
  /** The DOCTOR the benchmark acts as (also the clinician of the appointments it books). */
  userId: string;
  sessionId: string;
}

/** Clinicians per hospital: one DOCTOR per department; the first is also the benchmark's user. */
const CLINICIANS = 10;
const SLOT_MINUTES = 30;

/** The deterministic id the loader gives row `n` of `kind` in a hospital (same formula as the SQL below). */
export function rowId(tenantId: string, kind: 'u' | 'd' | 'p' | 's', n: number): string {
  const h = createHash('md5').update(`${tenantId}/${kind}/${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
}

/** Medical record numbers carry the hospital's index, so any answer can be checked for its tenant. */
export const mrnPrefix = (hospital: number) => `H${hospital}-`;
/** Department names carry it too. */
export const departmentSuffix = (hospital: number) => ` (H${hospital})`;

const MODES = [Isolation.SHARED, Isolation.SCHEMA, Isolation.DATABASE];

/** Creates the hospitals through the provisioner (catalog, placement, ACTIVE; no ADMIN, so no password hashing). */
async function createHospitals(tenancy: Tenancy, size: DatasetSize): Promise<BenchHospital[]> {
  const limit = pLimit(4);
  return Promise.all(
    Array.from({ length: size.hospitals }, (_, index) =>
      limit(async () => {
        const isolation = size.isolation === 'mixed' ? MODES[index % MODES.length]! : size.isolation;
        const slug = `bench-h${String(index).padStart(3, '0')}`;
        const t = await tenancy.provisioner.create({ slug, name: `Bench hospital ${index}`, isolation, plan: Plan.ENTERPRISE }, {});
        return { index, id: t.id, slug, isolation, placement: t.placement, userId: rowId(t.id, 'u', 0), sessionId: rowId(t.id, 's', 0) };
      }),
    ),
  );
}

const FIRST = ['Ada', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam', 'Mona', 'Noah', 'Olga', 'Pavel'];
const LAST = ['Adams', 'Baker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Horvat', 'Ivanova', 'Jansen', 'Kowalski', 'Lopez', 'Meyer', 'Novak', 'Olsen', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Varga', 'Weber', 'Young', 'Zhang'];
const DEPARTMENTS = ['Cardiology', 'Dermatology', 'Emergency', 'Gastroenterology', 'Neurology', 'Oncology', 'Orthopaedics', 'Paediatrics', 'Radiology', 'Urology'];

// md5 of (tenant, kind, n), shaped as a version-4 UUID (input validation accepts only well-formed UUIDs).
const uuid = (kind: string, n: string) => `overlay(overlay(md5($1::uuid::text || '/${kind}/' || ${n}) placing '4' from 13) placing '8' from 17)::uuid`;
const pick = (list: string[], n: string) => `(array[${list.map((s) => `'${s}'`).join(',')}])[1 + (${n}) % ${list.length}]`;

/**
 * Bulk-loads one hospital as the owner, with explicit tenant_id and ids derived from the tenant id,
 * so the same size always gives the same rows: departments, DOCTORs (one per department), patients,
 * appointments laid out so no clinician is ever double-booked, and one sign-in session for the
 * benchmark's user.
 */
async function loadHospital(client: Client, h: BenchHospital, size: DatasetSize): Promise<void> {
  const s = quoteIdent(h.placement.schema);
  const params = [h.id, h.index];
  await client.query('begin');
  await client.query(
    `insert into ${s}.departments (id, tenant_id, name, code)
     select ${uuid('d', 'n')}, $1::uuid, ${pick(DEPARTMENTS, 'n')} || ' (H' || $2::int || ')', 'D' || n
     from generate_series(0, ${size.departments - 1}) n`,
    params,
  );
  await client.query(
    `insert into ${s}.users (id, tenant_id, email, password_hash, display_name, roles)
     select ${uuid('u', 'n')}, $1::uuid, 'doctor' || n || '@h' || $2::int || '.bench.test', 'no-password', 'Doctor ' || n, array['DOCTOR']
     from generate_series(0, ${CLINICIANS - 1}) n`,
    params,
  );
  await client.query(
    `insert into ${s}.patients (id, tenant_id, mrn, first_name, last_name, birth_date, department_id, created_by_id)
     select ${uuid('p', 'n')}, $1::uuid, 'H' || $2::int || '-' || lpad(n::text, 6, '0'),
       ${pick(FIRST, 'n * 7')}, ${pick(LAST, 'n * 13 + $2::int')}, date '1940-01-01' + (n * 37) % 25000,
       ${uuid('d', `n % ${size.departments}`)}, ${uuid('u', '0')}
     from generate_series(0, ${size.patients - 1}) n`,
    params,
  );
  // Appointment g = patient * A + k goes to clinician g % CLINICIANS in slot g / CLINICIANS: no overlaps.
  await client.query(
    `insert into ${s}.appointments (id, tenant_id, patient_id, clinician_id, department_id, starts_at, ends_at, reason, status)
     select gen_random_uuid(), $1::uuid, ${uuid('p', 'p')}, ${uuid('u', `g % ${CLINICIANS}`)}, ${uuid('d', `p % ${size.departments}`)},
       timestamptz '2024-01-01 08:00Z' + (g / ${CLINICIANS}) * interval '${SLOT_MINUTES} minutes',
       timestamptz '2024-01-01 08:00Z' + (g / ${CLINICIANS}) * interval '${SLOT_MINUTES} minutes' + interval '20 minutes',
       'Follow-up', (array['COMPLETED', 'SCHEDULED', 'CANCELLED'])[1 + g % 3]
     from generate_series(0, ${size.patients - 1}) p, generate_series(0, ${size.appointments - 1}) k, lateral (select p * ${size.appointments} + k as g) x`,
    [h.id],
  );
  await client.query(
    `insert into ${s}.auth_sessions (id, tenant_id, user_id, token_hash, expires_at)
     values (${uuid('s', '0')}, $1::uuid, ${uuid('u', '0')}, 'bench', now() + interval '7 days')`,
    [h.id],
  );
  await client.query('commit');
}

/**
 * The benchmark's hospitals, created through the tenancy core and bulk-loaded, then analysed.
 * Appointment ids are random (gen_random_uuid); everything else is the same on every run.
 */
export async function buildDataset(tenancy: Tenancy, size: DatasetSize, log: (line: string) => void): Promise<BenchHospital[]> {
  let started = performance.now();
  const hospitals = await createHospitals(tenancy, size);
  log(`${hospitals.length} hospitals created in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const limit = pLimit(2);
  const withClient = async (placement: Placement, work: (client: Client) => Promise<void>) => {
    const client = new Client({ connectionString: tenancy.servers.ownerUrl(placement.server, placement.database) });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  };
  let loaded = 0;
  await Promise.all(
    hospitals.map((h) =>
      limit(() =>
        withClient(h.placement, async (client) => {
          await loadHospital(client, h, size);
          loaded += 1;
          if (loaded % 10 === 0) log(`loaded ${loaded}/${hospitals.length} hospitals`);
        }),
      ),
    ),
  );
  const databases = new Map(hospitals.map((h) => [`${h.placement.server}/${h.placement.database}`, h.placement]));
  await Promise.all([...databases.values()].map((placement) => limit(() => withClient(placement, (client) => client.query('vacuum analyze').then(() => undefined)))));
  log(`loaded ${size.patients * hospitals.length} patients and ${size.patients * size.appointments * hospitals.length} appointments in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return hospitals;
}
