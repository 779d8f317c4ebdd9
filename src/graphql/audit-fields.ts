import { getNamedType, isObjectType, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLNamedType, type GraphQLOutputType, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { isUuid } from '../modules/common/ids';

/** What the audit plugin gathers about one root field while it resolves. */
export interface RootField {
  key: string;
  name: string;
  recordIds: Set<string>;
  auditedRead: boolean;
  /** Platform actions: the hospital acted on, from the arguments or the result. */
  tenant: { id?: string; slug?: string };
  /** A note for the entry, set by the field's resolver (see noteDetail). */
  detail?: string;
}

/**
 * Types whose every read is audited, a patient's record: the patient and what belongs to them (each
 * row carries its `patientId`). Diagnoses, prescriptions, invoice lines, payments and lab results are
 * reached only through one of these. Audited as a root field's result, in a connection, or nested
 * anywhere in a result (modules that expose them under another type are covered).
 */
const PATIENT_RECORD_PARTS = [
  'Appointment', 'Encounter', 'Vitals', 'LabOrder', 'LabResult', 'Invoice', 'PatientContact', 'PatientAllergy', 'PatientInsurance',
];
export const AUDITED_READ_TYPES = new Set(['Patient', ...PATIENT_RECORD_PARTS]);

/** The records a field returned: itself, the items of a list, or the nodes of a connection. */
function recordsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  const edges = (value as { edges?: unknown } | null)?.edges;
  return Array.isArray(edges) ? edges.map((e) => (e as { node?: unknown } | null)?.node) : [value];
}

/** The patient a record of an audited type belongs to (a patient is their own). */
function patientIdOf(type: string, record: unknown): unknown {
  const r = record as { id?: unknown; patientId?: unknown } | null;
  return type === 'Patient' ? r?.id : r?.patientId;
}

/** Adds the id of the patient each returned record of `type` belongs to, so the trail answers "who read this patient's record". */
export function notePatientsRead(field: RootField, type: string, result: unknown): void {
  for (const record of recordsOf(result)) {
    const id = patientIdOf(type, record);
    if (typeof id === 'string' && isUuid(id)) field.recordIds.add(id);
  }
}

/** A field that returns records of an audited type, on a type that is not one itself (a search hit's patient or lab order). */
export interface HeldRecords {
  field: string;
  type: string;
}

/** The fields of `type` through which it holds audited records; none for an audited type itself or a type that holds none. */
export function heldRecords(type: GraphQLNamedType): HeldRecords[] {
  if (!isObjectType(type) || AUDITED_READ_TYPES.has(type.name)) return [];
  return Object.values(type.getFields())
    .map((f) => ({ field: f.name, type: readType(f.type) }))
    .filter((f) => AUDITED_READ_TYPES.has(f.type));
}

/**
 * Adds the patients whose records the returned holders hold, whether or not the request selects
 * those records: a search hit's kind alone tells that a patient matched, or has an appointment.
 */
export function noteHeldPatients(field: RootField, held: HeldRecords[], result: unknown): void {
  for (const holder of recordsOf(result)) {
    for (const h of held) notePatientsRead(field, h.type, (holder as Record<string, unknown> | null)?.[h.field]);
  }
}

export function tenantOf(value: unknown): { id?: string; slug?: string } {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  const inner = v.tenant && typeof v.tenant === 'object' ? (v.tenant as Record<string, unknown>) : v;
  if (typeof inner.slug !== 'string' || !('isolation' in inner)) return {};
  return { id: typeof inner.id === 'string' ? inner.id : undefined, slug: inner.slug };
}

export function slugArg(args: Record<string, unknown>): string | undefined {
  const input = args.input as Record<string, unknown> | undefined;
  const slug = args.slug ?? input?.slug;
  return typeof slug === 'string' ? slug.slice(0, 100) : undefined;
}

/**
 * Record ids: from arguments, `id` and any `…Id` (e.g. patientId), also inside `input`; from results,
 * the `id` of the returned record(s), of connection nodes and of a payload's `user`.
 */
export function collectIds(value: unknown, into: Set<string>, from: 'args' | 'result', depth = 0): void {
  if (!value || typeof value !== 'object' || depth > 3) return;
  if (Array.isArray(value)) return value.forEach((v) => collectIds(v, into, from, depth + 1));
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    const named = key === 'id' || (from === 'args' && key.endsWith('Id') && key !== 'tenantId');
    if (named && typeof v === 'string' && isUuid(v)) into.add(v);
  }
  for (const key of from === 'args' ? ['input'] : ['edges', 'node', 'user']) if (key in record) collectIds(record[key], into, from, depth + 1);
}

/** The root field a path leads from. */
function rootFieldOf(fields: RootField[], path: GraphQLResolveInfo['path']): RootField | undefined {
  let root = path;
  while (root.prev) root = root.prev;
  return fields.find((f) => f.key === String(root.key));
}

/** Adds a note to the audit entry of the root field being resolved (e.g. which second factor a sign-in used). */
export function noteDetail(fields: RootField[], path: GraphQLResolveInfo['path'], detail: string): void {
  const field = rootFieldOf(fields, path);
  if (field) field.detail = field.detail ? `${field.detail}; ${detail}` : detail;
}

/** A nested field returned records of an audited type: the root field that led to it read those patients' records. */
export function noteNestedRead(fields: RootField[], path: GraphQLResolveInfo['path'], type: string, result: unknown): void {
  const field = rootFieldOf(fields, path);
  if (!field || recordsOf(result).every((r) => !r)) return;
  field.auditedRead = true;
  notePatientsRead(field, type, result);
}

/** The node type of a connection (`edges { node }`), or the type itself. */
export function readType(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return named.name;
  const edges = named.getFields().edges;
  const edge = edges ? getNamedType(edges.type) : null;
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  return node ? getNamedType(node.type).name : named.name;
}

/**
 * The introspection fields an operation runs at its root (`__typename`, `__schema`, `__type`), as root
 * fields for the trail: graphql-js answers them itself, so the schema's audit middleware never sees
 * them. Collected by graphql-js's own rule for what executes (aliases, fragments, @skip and @include:
 * its collectFields, internal to graphql 16, which the audit tests exercise).
 */
export function introspectionRootFields(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): RootField[] {
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  return [...collectFields(schema, fragments, variables, root, operation.selectionSet)]
    .map(([key, nodes]) => ({ key, name: nodes[0]!.name.value }))
    .filter((field) => field.name.startsWith('__'))
    .map((field) => ({ ...field, recordIds: new Set<string>(), auditedRead: false, tenant: {} }));
}
