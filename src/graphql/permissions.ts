import { allow, and, deny, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { apiKeyPermissions } from '../modules/api-keys/api-key.permissions';
import { appointmentPermissions } from '../modules/appointments/appointment.permissions';
import { billingPermissions } from '../modules/billing/billing.permissions';
import { clinicalPermissions } from '../modules/clinical/clinical.permissions';
import { labPermissions } from '../modules/lab/lab.permissions';
import { patientRecordPermissions } from '../modules/patient-record/patient-record.permissions';
import { READ_ONLY_EXEMPT, tenantWritable } from '../modules/plans/plan.rules';
import { tenantLimitsPermissions } from '../modules/platform/tenant-limits.permissions';
import { tenantPlanPermissions } from '../modules/platform/tenant-plan.permissions';
import { searchPermissions } from '../modules/search/search.permissions';
import { settingsPermissions } from '../modules/settings/settings.permissions';
import { departmentPermissions } from '../modules/departments/department.permissions';
import { auditPermissions } from '../modules/audit/audit.permissions';
import { demoPermissions } from '../modules/demo/demo.permissions';
import { patientPermissions } from '../modules/patients/patient.permissions';
import { tenantPermissions } from '../modules/platform/tenant.permissions';
import { transferPermissions } from '../modules/platform/transfer.permissions';
import { sessionPermissions } from '../modules/session/session.permissions';
import { userPermissions } from '../modules/users/user.permissions';

type RuleMap = Record<string, Record<string, unknown>>;

const MODULES: RuleMap[] = [
  sessionPermissions, userPermissions, apiKeyPermissions, patientPermissions, tenantPermissions, departmentPermissions,
  appointmentPermissions, clinicalPermissions, labPermissions, billingPermissions, settingsPermissions,
  patientRecordPermissions, tenantPlanPermissions, tenantLimitsPermissions, searchPermissions, auditPermissions, demoPermissions, transferPermissions,
];

/** Every module's rules (root and field level), merged; a field named twice is a programming error. */
export function operationRules(): RuleMap {
  const merged: RuleMap = { Query: {}, Mutation: {} };
  for (const rules of MODULES) {
    for (const [type, fields] of Object.entries(rules)) {
      merged[type] ??= {};
      for (const [field, r] of Object.entries(fields)) {
        if (merged[type]![field]) throw new Error(`Permission for ${type}.${field} is defined twice`);
        merged[type]![field] = r;
      }
    }
  }
  return merged;
}

/**
 * Deny by default: a root field without a rule is refused. Fields of object types are allowed once
 * their root operation was; module rules may set field-level rules on them (e.g. clinical fields),
 * and the type's remaining fields stay allowed.
 */
export function permissions(schema: GraphQLSchema) {
  const rules: RuleMap = operationRules();
  // An expired trial is read-only: every mutation (but signing in) also needs a writable hospital.
  for (const [field, r] of Object.entries(rules.Mutation!)) {
    if (!READ_ONLY_EXEMPT.has(field)) rules.Mutation![field] = and(r as never, tenantWritable);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name === 'Query' || type.name === 'Mutation') continue;
    // A type with field rules keeps `allow` for its other fields unless its module says otherwise.
    rules[type.name] = { '*': allow, ...rules[type.name] };
  }
  const middleware = shield(rules as IRules, { fallbackRule: deny, allowExternalErrors: true, debug: false }).generate(schema) as FieldMiddleware;
  return withoutAllowed(middleware, rules);
}

type FieldMiddleware = Record<string, Record<string, unknown>>;

/**
 * Drops the middleware of fields whose rule is the type's `allow` (and no rule of their own): such a
 * middleware can only call the resolver, and wrapping each of them turns every scalar of a result
 * into a promise (most of the time spent executing a list). What is decided stays exactly the same.
 */
function withoutAllowed(middleware: FieldMiddleware, rules: RuleMap): FieldMiddleware {
  for (const [type, fields] of Object.entries(middleware)) {
    const own = rules[type];
    if (own?.['*'] !== allow) continue;
    for (const field of Object.keys(fields)) if (!(field in own)) delete fields[field];
  }
  return middleware;
}
