import { quoteIdent } from '../../src/tenancy/placement';

/** One hand-written statement per request, building the response JSON in PostgreSQL. */
export interface BaselineQueries {
  list: string;
  point: string;
  write: string;
}

const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const appointment = (a: string) => `json_build_object('id', ${a}.id, 'startsAt', ${iso(`${a}.starts_at`)}, 'endsAt', ${iso(`${a}.ends_at`)}, 'status', ${a}.status)`;

/** A patient with its department and its `limit` latest appointments, as the gateway answers it. */
function patientNode(s: string, limit: number): string {
  return `json_build_object(
    'id', p.id, 'mrn', p.mrn, 'firstName', p.first_name, 'lastName', p.last_name,
    'department', (select json_build_object('name', d.name) from ${s}.departments d where d.tenant_id = $1 and d.id = p.department_id),
    'appointments', (select coalesce(json_agg(${appointment('a')} order by a.starts_at desc, a.id desc), '[]')
      from (select * from ${s}.appointments a where a.tenant_id = $1 and a.patient_id = p.id order by a.starts_at desc, a.id desc limit ${limit}) a))`;
}

const listRows = (s: string) =>
  `select * from ${s}.patients p where p.tenant_id = $1 and p.archived_at is null order by p.last_name, p.first_name, p.id limit 20`;
const listJson = (s: string, from: string) => `select json_build_object('patients', json_build_object('edges',
    coalesce(json_agg(json_build_object('node', ${patientNode(s, 5)}) order by p.last_name, p.first_name, p.id), '[]')))::text as data
  from ${from}`;
const pointRow = (s: string) => `select * from ${s}.patients p where p.tenant_id = $1 and p.id = $2`;
// The clinician must be an active DOCTOR or NURSE of the hospital; the composite foreign key keeps the patient in it.
const insertAppointment = (s: string) => `insert into ${s}.appointments (id, tenant_id, patient_id, clinician_id, starts_at, ends_at, reason, status)
  select gen_random_uuid(), $1, $2, u.id, $4, $5, '', 'SCHEDULED'
  from ${s}.users u where u.tenant_id = $1 and u.id = $3 and u.active and u.roles && array['DOCTOR', 'NURSE']`;

/**
 * The three requests for the tables in `schema`, each scoped by an explicit `tenant_id = $1` (the
 * baseline connects as the owner, so row-level security is not what scopes it).
 */
export function baselineQueries(schema: string): BaselineQueries {
  const s = quoteIdent(schema);
  return {
    list: listJson(s, `(${listRows(s)}) p`),
    point: `select json_build_object('patient', (select ${patientNode(s, 100)} from (${pointRow(s)}) p))::text as data`,
    write: `${insertAppointment(s)}
      returning json_build_object('createAppointment', ${appointment('appointments')})::text as data`,
  };
}

/** One audit entry for the rows in `ids` (a text[] expression over the CTE `from`), as the gateway records it. */
const auditEntry = (s: string, operation: string, type: 'query' | 'mutation', actor: string, ids: string, from: string) =>
  `audit as (insert into ${s}.audit_log (id, tenant_id, actor_id, actor_kind, actor_role, operation, operation_type, record_ids, outcome)
    select gen_random_uuid(), $1, ${actor}, 'tenant', 'DOCTOR', '${operation}', '${type}', ${ids}, 'SUCCESS' from ${from})`;

/**
 * The same three requests with the audit entry the gateway writes (the patients read; the
 * appointment written), added by a data-modifying CTE so each is still one statement. The signed-in
 * user is the last parameter. Run inside the audited baseline's request transaction.
 */
export function auditedBaselineQueries(schema: string): BaselineQueries {
  const s = quoteIdent(schema);
  return {
    list: `with p as (${listRows(s)}),
      ${auditEntry(s, 'patients', 'query', '$2::uuid', `coalesce(array_agg(p.id::text), '{}')`, 'p')}
      ${listJson(s, 'p')}`,
    point: `with p as (${pointRow(s)}),
      ${auditEntry(s, 'patient', 'query', '$3::uuid', 'array[p.id::text]', 'p')}
      select json_build_object('patient', (select ${patientNode(s, 100)} from p))::text as data`,
    write: `with appointments as (${insertAppointment(s)} returning *),
      ${auditEntry(s, 'createAppointment', 'mutation', '$6::uuid', 'array[$2::text, $3::text, appointments.id::text]', 'appointments')}
      select json_build_object('createAppointment', ${appointment('appointments')})::text as data from appointments`,
  };
}
