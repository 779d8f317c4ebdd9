import { expectedRuntimePrivileges } from '../runtime-role';
import type { ColumnShape, PolicyShape, SchemaShape, TableShape } from './snapshot';

/** Order in which fixes run: what later fixes depend on comes first. */
export type FixStage = 'migrate' | 'function' | 'table' | 'column' | 'constraint' | 'foreign-key' | 'index' | 'rls' | 'policy' | 'trigger' | 'grant';
export const FIX_ORDER: FixStage[] = ['migrate', 'function', 'table', 'column', 'constraint', 'foreign-key', 'index', 'rls', 'policy', 'trigger', 'grant'];

/** One thing wrong with a placement; `fix` holds the statements that repair it safely, when there are any. */
export interface Problem {
  code: string;
  message: string;
  fix?: { stage: FixStage; sql: string[] };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

function columnSql(name: string, c: TableShape['columns'][string]): string {
  return `${ident(name)} ${c.type}${c.default !== null ? ` default ${c.default}` : ''}${c.notNull ? ' not null' : ''}`;
}

function policySql(table: string, name: string, p: PolicyShape): string {
  const roles = p.roles.replace(/^\{|\}$/g, '').split(',').filter(Boolean).join(', ') || 'public';
  return `create policy ${ident(name)} on ${ident(table)} as ${p.permissive.toLowerCase()} for ${p.cmd.toLowerCase()} to ${roles}`
    + `${p.qual ? ` using (${p.qual})` : ''}${p.withCheck ? ` with check (${p.withCheck})` : ''}`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Compares a placement with the reference built from the migrations: migrations applied, tables and
 * columns, constraints and indexes, row-level security (enabled, forced, the policies), triggers and
 * the runtime role's grants. Repairs are offered only where they cannot lose data: creating what is
 * missing, re-enabling security, re-creating policies, regranting, and keeping an instant to the
 * millisecond where the migrations do. Extra tables or columns and other changed column types are
 * reported, never dropped or altered.
 */
export function compare(reference: SchemaShape, actual: SchemaShape, roleName: string): Problem[] {
  const problems: Problem[] = [];
  if (!actual.exists) return [{ code: 'schema-missing', message: 'the placement schema does not exist', fix: { stage: 'migrate', sql: [] } }];
  const missing = reference.applied.filter((m) => !actual.applied.includes(m));
  if (missing.length > 0) problems.push({ code: 'migrations-behind', message: `migrations not applied: ${missing.join(', ')}`, fix: { stage: 'migrate', sql: [] } });
  if (!actual.roleHasUsage) problems.push({ code: 'grant-missing', message: `${roleName} has no USAGE on the schema`, fix: { stage: 'grant', sql: [] } });

  for (const [name, def] of Object.entries(reference.functions)) {
    if (actual.functions[name] === undefined) problems.push({ code: 'function-missing', message: `function ${name} is missing`, fix: { stage: 'function', sql: [def] } });
    else if (actual.functions[name] !== def) problems.push({ code: 'function-differs', message: `function ${name} differs from the migrations`, fix: { stage: 'function', sql: [def] } });
  }
  for (const name of Object.keys(actual.tables)) {
    if (!reference.tables[name]) problems.push({ code: 'table-extra', message: `table ${name} is not in the migrations (left alone)` });
  }
  for (const [name, ref] of Object.entries(reference.tables)) {
    const table = actual.tables[name];
    if (!table) {
      const columns = Object.entries(ref.columns).map(([c, shape]) => columnSql(c, shape)).join(', ');
      problems.push({ code: 'table-missing', message: `table ${name} is missing`, fix: { stage: 'table', sql: [`create table ${ident(name)} (${columns})`] } });
    }
    problems.push(...compareTable(name, ref, table ?? emptyTable(), roleName));
  }
  return problems;
}

function emptyTable(): TableShape {
  return { rls: false, forced: false, columns: {}, constraints: {}, indexes: {}, policies: {}, triggers: {}, grants: [] };
}

/**
 * An instant kept to the microsecond that the migrations keep to the millisecond (as when a migration
 * re-applied re-creates a table a later one narrowed): cut as Migration0011MillisecondInstants cuts
 * it, to the millisecond the gateway showed. Only digits the gateway never wrote or showed are lost.
 */
function microsecondInstant(table: string, column: string, actual: ColumnShape, shape: ColumnShape): Problem | undefined {
  if (!same({ ...actual, type: shape.type }, shape) || actual.type !== 'timestamp with time zone' || shape.type !== 'timestamp(3) with time zone') return undefined;
  return {
    code: 'instant-precision',
    message: `column ${table}.${column} keeps microseconds, the migrations keep milliseconds`,
    fix: { stage: 'column', sql: [`alter table ${ident(table)} alter column ${ident(column)} type timestamptz(3) using date_trunc('milliseconds', ${ident(column)})`] },
  };
}

function compareTable(name: string, ref: TableShape, table: TableShape, roleName: string): Problem[] {
  const problems: Problem[] = [];
  const t = ident(name);
  const created = Object.keys(table.columns).length === 0;
  for (const [column, shape] of Object.entries(ref.columns)) {
    const actual = table.columns[column];
    if (!actual) {
      if (!created) problems.push({ code: 'column-missing', message: `column ${name}.${column} is missing`, fix: { stage: 'column', sql: [`alter table ${t} add column ${columnSql(column, shape)}`] } });
    } else if (!same(actual, shape)) {
      problems.push(microsecondInstant(name, column, actual, shape) ?? {
        code: 'column-differs', message: `column ${name}.${column} is ${actual.type}${actual.notNull ? ' not null' : ''}, the migrations say ${shape.type}${shape.notNull ? ' not null' : ''} (left alone)`,
      });
    }
  }
  for (const column of Object.keys(table.columns)) {
    if (!ref.columns[column]) problems.push({ code: 'column-extra', message: `column ${name}.${column} is not in the migrations (left alone)` });
  }
  for (const [constraint, c] of Object.entries(ref.constraints)) {
    const actual = table.constraints[constraint];
    if (!actual) {
      const stage = c.type === 'f' ? 'foreign-key' : 'constraint';
      problems.push({ code: 'constraint-missing', message: `constraint ${constraint} on ${name} is missing`, fix: { stage, sql: [`alter table ${t} add constraint ${ident(constraint)} ${c.def}`] } });
    } else if (actual.def !== c.def) {
      problems.push({ code: 'constraint-differs', message: `constraint ${constraint} on ${name} differs from the migrations (left alone)` });
    }
  }
  for (const [index, def] of Object.entries(ref.indexes)) {
    if (table.indexes[index] === undefined) problems.push({ code: 'index-missing', message: `index ${index} on ${name} is missing`, fix: { stage: 'index', sql: [def] } });
  }
  if (ref.rls && !table.rls) problems.push({ code: 'rls-disabled', message: `row-level security is disabled on ${name}`, fix: { stage: 'rls', sql: [`alter table ${t} enable row level security`] } });
  if (ref.forced && !table.forced) problems.push({ code: 'rls-not-forced', message: `row-level security is not forced on ${name}`, fix: { stage: 'rls', sql: [`alter table ${t} force row level security`] } });
  for (const [policy, p] of Object.entries(ref.policies)) {
    const actual = table.policies[policy];
    if (!actual || !same(actual, p)) {
      problems.push({
        code: actual ? 'policy-differs' : 'policy-missing',
        message: `policy ${policy} on ${name} is ${actual ? 'not the one the migrations define' : 'missing'}`,
        fix: { stage: 'policy', sql: [`drop policy if exists ${ident(policy)} on ${t}`, policySql(name, policy, p)] },
      });
    }
  }
  for (const policy of Object.keys(table.policies)) {
    if (!ref.policies[policy]) problems.push({ code: 'policy-extra', message: `policy ${policy} on ${name} is not in the migrations`, fix: { stage: 'policy', sql: [`drop policy ${ident(policy)} on ${t}`] } });
  }
  for (const [trigger, g] of Object.entries(ref.triggers)) {
    const actual = table.triggers[trigger];
    if (!actual) problems.push({ code: 'trigger-missing', message: `trigger ${trigger} on ${name} is missing`, fix: { stage: 'trigger', sql: [g.def] } });
    else if (!actual.enabled) problems.push({ code: 'trigger-disabled', message: `trigger ${trigger} on ${name} is disabled`, fix: { stage: 'trigger', sql: [`alter table ${t} enable trigger ${ident(trigger)}`] } });
  }
  const expected = expectedRuntimePrivileges(name).sort();
  if (!same(table.grants, expected) && !created) {
    problems.push({ code: 'grants-differ', message: `${roleName} holds [${table.grants.join(', ')}] on ${name}, expected [${expected.join(', ')}]`, fix: { stage: 'grant', sql: [] } });
  } else if (created) {
    problems.push({ code: 'grants-differ', message: `${roleName} needs [${expected.join(', ')}] on the re-created ${name}`, fix: { stage: 'grant', sql: [] } });
  }
  return problems;
}
