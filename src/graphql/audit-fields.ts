import { getNamedType, isObjectType, type GraphQLOutputType, type GraphQLResolveInfo } from 'graphql';
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
 * Types whose every read is audited (a patient's record): as a root field's result, in a connection,
 * or nested anywhere in a result (modules that expose a patient under another type are covered).
 */
export const AUDITED_READ_TYPES = new Set(['Patient']);

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

export function noteNestedRead(fields: RootField[], path: GraphQLResolveInfo['path'], source: unknown): void {
  const field = rootFieldOf(fields, path);
  const id = (source as { id?: unknown } | null)?.id;
  if (!field || typeof id !== 'string' || !isUuid(id)) return;
  field.auditedRead = true;
  field.recordIds.add(id);
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
