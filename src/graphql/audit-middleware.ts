import { getNamedType, isAbstractType, isObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import type { IMiddlewareFunction, IMiddlewareTypeMap } from 'graphql-middleware';
import type { RequestContext } from '../context';
import { AUDITED_READ_TYPES, collectIds, heldRecords, noteHeldPatients, noteNestedRead, notePatientsRead, readType, slugArg, tenantOf, type RootField } from './audit-fields';

/**
 * Gathers what the audit trail records (the audit plugin writes it when execution ends): each root
 * field with the record ids of its arguments and result, and every part of a patient's record
 * returned anywhere in a result (e.g. an appointment's patient, a patient's encounters), counted as a
 * read of that patient by the root field that led to it. A root field whose results hold such parts
 * (search hits) reads the patients of all it holds, selected or not. Only root fields and fields
 * returning an audited type are wrapped: the scalars of a result resolve untouched.
 */
const auditRootField: IMiddlewareFunction<unknown, RequestContext> = async (resolve, parent, args, ctx, info) => {
  const type = readType(info.returnType);
  const held = heldRecords(getNamedType(info.returnType));
  const field: RootField = {
    key: String(info.path.key),
    name: info.fieldName,
    recordIds: new Set(),
    auditedRead: AUDITED_READ_TYPES.has(type) || held.length > 0,
    tenant: { slug: slugArg(args) },
  };
  collectIds(args, field.recordIds, 'args');
  ctx.audit.push(field);
  const result = await resolve(parent, args, ctx, info);
  collectIds(result, field.recordIds, 'result');
  if (AUDITED_READ_TYPES.has(type)) notePatientsRead(field, type, result);
  noteHeldPatients(field, held, result);
  const tenant = tenantOf(result);
  if (tenant.slug) field.tenant = tenant;
  return result;
};

const noteAuditedRead: IMiddlewareFunction<unknown, RequestContext> = async (resolve, parent, args, ctx, info) => {
  const result: unknown = await resolve(parent, args, ctx, info);
  noteNestedRead(ctx.audit, info.path, readType(info.returnType), result);
  return result;
};

/** Whether a field of this type returns audited records (alone, in a list or in a connection); an abstract type that may hold one is refused (its records could not be told apart). */
function audited(schema: GraphQLSchema, type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  if (isAbstractType(named) && schema.getPossibleTypes(named).some((t) => AUDITED_READ_TYPES.has(t.name))) {
    throw new Error(`${named.name} may hold an audited record (${[...AUDITED_READ_TYPES].join(', ')}); return it through a field of its own type`);
  }
  return AUDITED_READ_TYPES.has(readType(type));
}

export function auditMiddleware(schema: GraphQLSchema): IMiddlewareTypeMap<unknown, RequestContext> {
  const map: IMiddlewareTypeMap<unknown, RequestContext> = { Query: auditRootField, Mutation: auditRootField };
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type.name) || type.name.startsWith('__')) continue;
    const fields = Object.values(type.getFields()).filter((f) => audited(schema, f.type));
    if (fields.length) map[type.name] = Object.fromEntries(fields.map((f) => [f.name, noteAuditedRead]));
  }
  return map;
}
