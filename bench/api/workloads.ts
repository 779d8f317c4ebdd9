import { randomUUID } from 'node:crypto';
import { departmentSuffix, mrnPrefix, rowId, type BenchHospital, type DatasetSize } from './dataset';

export type WorkloadName = 'list' | 'point' | 'write' | 'floor';
/** Whose API a server speaks: the gateway's (the baselines answer it too), or PostGraphile's. */
export type Dialect = 'gateway' | 'postgraphile';

const APPOINTMENT = 'id startsAt endsAt status';
const PATIENT = (appointments: number) => `id mrn firstName lastName department { name } appointments(first: ${appointments}) { ${APPOINTMENT} }`;

/**
 * The three requests, and `floor`: a signed-in request that reads nothing (what every request costs
 * before its first field). The baseline answers the same operation names with the same JSON.
 */
export const DOCUMENTS: Record<WorkloadName, { operationName: string; query: string }> = {
  list: { operationName: 'BenchList', query: `query BenchList { patients(first: 20) { edges { node { ${PATIENT(5)} } } } }` },
  point: { operationName: 'BenchPoint', query: `query BenchPoint($id: ID!) { patient(id: $id) { ${PATIENT(100)} } }` },
  write: { operationName: 'BenchWrite', query: `mutation BenchWrite($input: CreateAppointmentInput!) { createAppointment(input: $input) { ${APPOINTMENT} } }` },
  floor: { operationName: 'BenchFloor', query: 'query BenchFloor { __typename }' },
};

const PG_APPOINTMENT = 'id: rowId startsAt endsAt status';
const PG_PATIENT = (appointments: number) =>
  `id: rowId mrn firstName lastName department: departmentByTenantIdAndDepartmentId { name } ` +
  `appointments: appointmentsByTenantIdAndPatientId(first: ${appointments}, orderBy: [STARTS_AT_DESC]) { nodes { ${PG_APPOINTMENT} } }`;

/**
 * The same requests in PostGraphile's API (its default names for the SHARED placement's tables),
 * aliased to the gateway's field names; `answer` takes its connections' `nodes` out.
 */
const POSTGRAPHILE_DOCUMENTS: Record<WorkloadName, { operationName: string; query: string }> = {
  list: { operationName: 'BenchList', query: `query BenchList { patients: allPatients(first: 20, orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, PRIMARY_KEY_ASC]) { edges { node { ${PG_PATIENT(5)} } } } }` },
  point: { operationName: 'BenchPoint', query: `query BenchPoint($id: UUID!) { patient: patientByRowId(rowId: $id) { ${PG_PATIENT(100)} } }` },
  write: { operationName: 'BenchWrite', query: `mutation BenchWrite($input: CreateAppointmentInput!) { createAppointment(input: $input) { appointment { ${PG_APPOINTMENT} } } }` },
  floor: DOCUMENTS.floor,
};

/** What one request was for, kept in autocannon's per-connection context until its response. */
export interface Expectation {
  hospital: number;
  patientId?: string;
  startsAt?: string;
}

export interface Prepared {
  path: string;
  headers: Record<string, string>;
  body: string;
  expect: Expectation;
}

/** Written appointments start here, one slot per request ever sent, so none overlaps another. */
const WRITE_EPOCH = Date.parse('2030-01-01T00:00:00Z');
const WRITE_SLOT_MS = 30 * 60_000;

/**
 * Builds request `i`: hospitals in turn, patients spread by a stride, writes each in their own slot
 * (a counter that never repeats across runs) with the hospital's first DOCTOR as clinician.
 */
export function prepare(workload: WorkloadName, i: number, hospitals: BenchHospital[], tokens: string[], size: DatasetSize, dialect: Dialect = 'gateway'): Prepared {
  const h = hospitals[i % hospitals.length]!;
  const patientId = rowId(h.id, 'p', Math.floor(i / hospitals.length) * 7919 % size.patients);
  const { operationName, query } = (dialect === 'gateway' ? DOCUMENTS : POSTGRAPHILE_DOCUMENTS)[workload];
  let variables: Record<string, unknown> = {};
  const expect: Expectation = { hospital: h.index };
  if (workload === 'point') {
    variables = { id: patientId };
    expect.patientId = patientId;
  } else if (workload === 'write') {
    const startsAt = new Date(WRITE_EPOCH + i * WRITE_SLOT_MS).toISOString();
    const endsAt = new Date(WRITE_EPOCH + i * WRITE_SLOT_MS + 20 * 60_000).toISOString();
    const appointment = { patientId, clinicianId: h.userId, startsAt, endsAt };
    // PostGraphile has no hospital of its own to fill in, nor a default id.
    variables = { input: dialect === 'gateway' ? appointment : { appointment: { ...appointment, rowId: randomUUID(), tenantId: h.id } } };
    expect.startsAt = startsAt;
  }
  return {
    path: dialect === 'gateway' ? `/t/${h.slug}/graphql` : '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[h.index]}` },
    body: JSON.stringify({ operationName, query, variables }),
    expect,
  };
}

interface AppointmentJson { id: string; startsAt: string; endsAt: string; status: string }
interface PatientJson { id: string; mrn: string; department: { name: string } | null; appointments: AppointmentJson[] }

function patientProblem(p: PatientJson | null | undefined, hospital: number, minAppointments: number, maxAppointments: number): string | null {
  if (!p) return 'no patient';
  if (!p.mrn.startsWith(mrnPrefix(hospital))) return `patient ${p.mrn} of another hospital`;
  if (!p.department?.name.endsWith(departmentSuffix(hospital))) return `department ${p.department?.name} of another hospital`;
  const a = p.appointments;
  if (!Array.isArray(a) || a.length < minAppointments || a.length > maxAppointments) return `${a?.length} appointments`;
  for (let k = 1; k < a.length; k += 1) if (a[k - 1]!.startsAt < a[k]!.startsAt) return 'appointments not latest first';
  return null;
}

type Answer = { data?: Record<string, any>; errors?: { message: string }[] };

/** An answer as JSON in the gateway's shape (PostGraphile's connections and payloads unwrapped), or null when it is not JSON. */
export function answer(body: string, dialect: Dialect): Answer | null {
  let json: Answer;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  if (dialect === 'postgraphile' && json.data) {
    type PeerPatient = Omit<PatientJson, 'appointments'> & { appointments: { nodes: AppointmentJson[] } };
    const unwrap = (p: PeerPatient | null): PatientJson | null => p && { ...p, appointments: p.appointments.nodes };
    const { patients, patient, createAppointment } = json.data;
    if (patients) json.data.patients = { edges: patients.edges.map((e: { node: PeerPatient }) => ({ node: unwrap(e.node) })) };
    if (patient !== undefined) json.data.patient = unwrap(patient);
    if (createAppointment) json.data.createAppointment = createAppointment.appointment;
  }
  return json;
}

/** Checks an answer's shape and hospital; null when it is right, else what is wrong. */
export function check(workload: WorkloadName, status: number, json: Answer | null, expect: Expectation, size: DatasetSize): string | null {
  if (status !== 200) return `HTTP ${status}`;
  if (!json) return 'not JSON';
  if (json.errors?.length) return `error: ${json.errors[0]!.message}`;
  const data = json.data ?? {};
  const few = Math.min(5, size.appointments);
  switch (workload) {
    case 'list': {
      const edges = data.patients?.edges as { node: PatientJson }[] | undefined;
      if (!edges || edges.length !== Math.min(20, size.patients)) return `${edges?.length} patients`;
      for (const { node } of edges) {
        const problem = patientProblem(node, expect.hospital, few, 5);
        if (problem) return problem;
      }
      return null;
    }
    case 'point': {
      const p = data.patient as PatientJson | null;
      if (p?.id !== expect.patientId) return `patient ${p?.id}, expected ${expect.patientId}`;
      return patientProblem(p, expect.hospital, Math.min(100, size.appointments), 100);
    }
    case 'write': {
      const a = data.createAppointment as AppointmentJson | undefined;
      if (!a || Date.parse(a.startsAt) !== Date.parse(expect.startsAt!) || a.status !== 'SCHEDULED') return `appointment ${JSON.stringify(a)}`;
      return null;
    }
    case 'floor':
      return data.__typename === 'Query' ? null : `__typename ${data.__typename}`;
  }
}
