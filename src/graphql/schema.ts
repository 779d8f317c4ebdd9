import { applyMiddleware } from 'graphql-middleware';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { PatientResolver } from '../modules/patients/patient.resolver';
import { TenantResolver } from '../modules/platform/tenant.resolver';
import { TransferResolver } from '../modules/platform/transfer.resolver';
import { SessionResolver } from '../modules/session/session.resolver';
import { permissions } from './permissions';

const RESOLVERS = [SessionResolver, PatientResolver, TenantResolver, TransferResolver] as const;

/** The schema as clients see it (no middleware), from the code. */
export function buildPublicSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: false },
  });
}

/** The executable schema: public schema plus graphql-shield. */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildPublicSchema();
  return applyMiddleware(schema, permissions(schema));
}

/** The committed SDL (sorted, so the file is stable). */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
