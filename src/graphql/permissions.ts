import { allow, deny, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { patientPermissions } from '../modules/patients/patient.permissions';
import { tenantPermissions } from '../modules/platform/tenant.permissions';
import { transferPermissions } from '../modules/platform/transfer.permissions';
import { sessionPermissions } from '../modules/session/session.permissions';

type RuleMap = Record<string, Record<string, unknown>>;

const MODULES: RuleMap[] = [sessionPermissions, patientPermissions, tenantPermissions, transferPermissions];

/** Every module's rules, merged; a root field named twice is a programming error. */
export function operationRules(): RuleMap {
  const merged: RuleMap = { Query: {}, Mutation: {} };
  for (const rules of MODULES) {
    for (const [type, fields] of Object.entries(rules)) {
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
 * their root operation was (module rules may still set field-level rules on them).
 */
export function permissions(schema: GraphQLSchema) {
  const rules: RuleMap = operationRules();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name === 'Query' || type.name === 'Mutation') continue;
    rules[type.name] ??= { '*': allow };
  }
  return shield(rules as IRules, { fallbackRule: deny, allowExternalErrors: true, debug: false });
}
