import { applyMiddleware } from 'graphql-middleware';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ApiKeyResolver } from '../modules/api-keys/api-key.resolver';
import { AppointmentResolver } from '../modules/appointments/appointment.resolver';
import { InvoiceResolver } from '../modules/billing/billing.resolver';
import { EncounterResolver } from '../modules/clinical/clinical.resolver';
import { LabResolver } from '../modules/lab/lab.resolver';
import { SearchResolver } from '../modules/search/search.resolver';
import { SettingsResolver } from '../modules/settings/settings.resolver';
import { DepartmentResolver, StaffAssignmentResolver } from '../modules/departments/department.resolver';
import { PatientDetailsResolver } from '../modules/patient-record/patient-details.resolver';
import { PatientRecordResolver } from '../modules/patient-record/patient-record.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { DemoResolver } from '../modules/demo/demo.resolver';
import { PatientResolver } from '../modules/patients/patient.resolver';
import { TenantLimitsResolver } from '../modules/platform/tenant-limits.resolver';
import { TenantPlanResolver } from '../modules/platform/tenant-plan.resolver';
import { TenantResolver } from '../modules/platform/tenant.resolver';
import { AccountResolver } from '../modules/session/account.resolver';
import { TransferResolver } from '../modules/platform/transfer.resolver';
import { SessionResolver } from '../modules/session/session.resolver';
import { UserResolver } from '../modules/users/user.resolver';
import { auditMiddleware } from './audit-middleware';
import { deadlineMiddleware } from './deadline';
import { permissions } from './permissions';

const RESOLVERS = [
  SessionResolver, AccountResolver, UserResolver, ApiKeyResolver, PatientResolver, TenantResolver, DepartmentResolver,
  StaffAssignmentResolver, AppointmentResolver, EncounterResolver, LabResolver, InvoiceResolver, SettingsResolver,
  PatientRecordResolver, TenantPlanResolver, TenantLimitsResolver, PatientDetailsResolver, SearchResolver, AuditResolver, DemoResolver, TransferResolver,
] as const;

/** The schema as clients see it (no middleware), from the code. */
export function buildPublicSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: false },
  });
}

/** The executable schema: public schema plus the deadline check, the audit trail's collection and graphql-shield (in that order). */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildPublicSchema();
  return applyMiddleware(schema, deadlineMiddleware, auditMiddleware(schema), permissions(schema));
}

/** The committed SDL (sorted, so the file is stable). */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
