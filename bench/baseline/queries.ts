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

/**
 * The three requests for the tables in `schema`, each scoped by an explicit `tenant_id = $1` (the
 * baseline connects as the owner, so row-level security is not what scopes it).
 */
export function baselineQueries(schema: string): BaselineQueries {
  const s = quoteIdent(schema);
  return {
    list: `select json_build_object('patients', json_build_object('edges',
        coalesce(json_agg(json_build_object('node', ${patientNode(s, 5)}) order by p.last_name, p.first_name, p.id), '[]')))::text as data
      from (select * from ${s}.patients p where p.tenant_id = $1 and p.archived_at is null order by p.last_name, p.first_name, p.id limit 20) p`,
    point: `select json_build_object('patient', (select ${patientNode(s, 100)} from ${s}.patients p where p.tenant_id = $1 and p.id = $2))::text as data`,
    // The clinician must be an active DOCTOR or NURSE of the hospital; the composite foreign key keeps the patient in it.
    write: `insert into ${s}.appointments (id, tenant_id, patient_id, clinician_id, starts_at, ends_at, reason, status)
      select gen_random_uuid(), $1, $2, u.id, $4, $5, '', 'SCHEDULED'
      from ${s}.users u where u.tenant_id = $1 and u.id = $3 and u.active and u.roles && array['DOCTOR', 'NURSE']
      returning json_build_object('createAppointment', ${appointment('appointments')})::text as data`,
  };
}
