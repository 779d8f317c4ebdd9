import type { EntityManager } from '@mikro-orm/postgresql';
import { latestRowsSql, newestFirst, PlacementSql, type SqlFragment } from '../../tenancy';
import { Appointment } from '../appointments/appointment.entity';
import { pageSize, type Page } from '../common/connection';
import { afterSql, decodeCursor, sortKeys } from '../common/cursor';
import { isUuid } from '../common/ids';
import { pageOf } from '../common/paginate';
import { Department } from '../departments/department.entity';
import type { AppointmentsPrefetch } from '../patient-record/appointments-ahead';
import { patientsMatching } from './patient-search';
import { Patient } from './patient.entity';
import type { PatientsArgs } from './patient.inputs';

/**
 * The patients a request shows, read in one statement each: the patients (a page, or one by id), each
 * with its department and, when the selection asks for them, its newest appointments, built as JSON
 * by PostgreSQL beside the patient's columns. The statements are written here rather than built by
 * the ORM because the ORM cannot read a to-many relation per row in the same statement, and its query
 * building and the second statement were a large part of a list's CPU (bench/README.md); every table
 * they read is conditioned on the fork's tenant (see PlacementSql), and row-level security applies as
 * to every statement. The rows are detached: read only to answer. Writes read managed patients
 * through `findPatient` instead.
 */

/** A page's order; a cursor holds these properties' values (see `../common/cursor`). */
const ORDER = { lastName: 'asc', firstName: 'asc', id: 'asc' } as const;

/** `p`'s selected columns, its department, and (when prefetched) its newest appointments. */
function selectPatients(sql: PlacementSql, prefetch: AppointmentsPrefetch | undefined): SqlFragment {
  const columns = [
    sql.columns(Patient, 'p'),
    `(select row_to_json(d) from ${sql.table(Department)} d where d.tenant_id = ? and d.id = p.${sql.column(Patient, 'departmentId')}) as "department"`,
  ];
  const params: unknown[] = [sql.tenantId];
  if (prefetch) {
    const newest = { key: 'patientId', newestBy: 'startsAt', first: prefetch.first } as const;
    const latest = latestRowsSql(sql, Appointment, 'p.id', newest);
    columns.push(`(select coalesce(json_agg(t order by ${newestFirst(sql, Appointment, newest, 't')}), '[]') from (${latest.text}) t) as "appointments"`);
    params.push(...latest.params);
  }
  return { text: `select ${columns.join(', ')} from ${sql.table(Patient)} p`, params };
}

/** A row of `selectPatients` as a detached patient with its department; its appointments go to the prefetch. */
function toPatient(sql: PlacementSql, row: Record<string, unknown>, prefetch: AppointmentsPrefetch | undefined): Patient {
  const { department, appointments, ...columns } = row;
  const patient = sql.detach(Patient, columns, { department });
  if (prefetch) prefetch.prime(patient.id, (appointments as Record<string, unknown>[]).map((a) => sql.detach(Appointment, a)));
  return patient;
}

/** The conditions of a list (archived, search), on `p`, without the page's cursor. */
function listConditions(sql: PlacementSql, args: PatientsArgs): SqlFragment {
  const conditions = ['p.tenant_id = ?'];
  const params: unknown[] = [sql.tenantId];
  if (!args.includeArchived) conditions.push(`p.${sql.column(Patient, 'archivedAt')} is null`);
  const text = args.search?.trim();
  if (text) {
    const matching = sql.idIn(Patient, 'p', patientsMatching(text));
    conditions.push(matching.text);
    params.push(...matching.params);
  }
  return { text: conditions.join(' and '), params };
}

/** The patient to show (detached), with its department and, when asked for, its newest appointments. */
export async function readPatient(em: EntityManager, id: string, prefetch?: AppointmentsPrefetch): Promise<Patient | null> {
  if (!isUuid(id)) return null;
  const sql = new PlacementSql(em);
  const select = selectPatients(sql, prefetch);
  const [row] = await sql.rows(`${select.text} where p.tenant_id = ? and p.id = ?`, [...select.params, sql.tenantId, id]);
  return row ? toPatient(sql, row, prefetch) : null;
}

/** A page of patients by last name, first name and id (keyset cursors, as `paginate` gives). */
export async function listPatients(em: EntityManager, args: PatientsArgs, prefetch?: AppointmentsPrefetch): Promise<Page<Patient>> {
  const sql = new PlacementSql(em);
  const keys = sortKeys(sql.meta(Patient), ORDER);
  const first = pageSize(args.first);
  const where = listConditions(sql, args);
  const column = (property: string) => `p.${sql.column(Patient, property as keyof Patient & string)}`;
  const order = keys.map((key) => `${column(key.property)} ${key.desc ? 'desc' : 'asc'}`).join(', ');
  const after = args.after ? afterSql(keys, decodeCursor(args.after, keys), column) : undefined;
  const select = selectPatients(sql, prefetch);
  const rows = await sql.rows(
    `${select.text} where ${where.text}${after ? ` and ${after.text}` : ''} order by ${order} limit ?`,
    [...select.params, ...where.params, ...(after?.params ?? []), first + 1],
  );
  const patients = rows.map((row) => toPatient(sql, row, prefetch));
  const count = async () => {
    const [counted] = await sql.rows(`select count(*)::int as "count" from ${sql.table(Patient)} p where ${where.text}`, where.params);
    return counted!.count as number;
  };
  return pageOf(patients, first, keys, count);
}
