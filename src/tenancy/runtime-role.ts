import type { MikroORM } from '@mikro-orm/core';
import { backOff } from 'exponential-backoff';
import { Client } from 'pg';
import { ConfigError } from '../config';
import { lockSchemaChanges, MIGRATIONS_TABLE } from './migrations/runner';
import { quoteIdent } from './placement';
import { FENCES_TABLE } from './placement-hold';

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The runtime role on one server, as one deployment wants it. `deployment` is the deployment's main
 * database: no two deployments on one server share it, so it tells them apart.
 */
export interface RuntimeRoleOnServer {
  role: { name: string; password: string };
  deployment: string;
  /** The server's name (`main`, or one of TENANT_DATABASE_SERVERS), for messages. */
  server: string;
  /** A connection to one of the server's databases as the role, with `role.password`. */
  runtimeUrl: string;
}

/** The comment a deployment marks its runtime role with: who owns it. */
const MARK = 'Sovereign runtime role of the deployment whose main database is ';

/** The mark of `deployment`'s runtime role. */
export function runtimeRoleMark(deployment: string): string {
  return `${MARK}"${deployment}"`;
}

/** The deployment a role's comment names as its owner; undefined when it names none (no comment, or one of someone else's). */
function ownerIn(comment: string | null): string | undefined {
  return comment?.startsWith(MARK) ? comment.slice(MARK.length + 1, -1) : undefined;
}

/**
 * APP_DB_ROLE names a role that another deployment owns, with another password: setting this
 * deployment's would lock the other out. A configuration error: each deployment needs a role of its own.
 */
export class RuntimeRoleTakenError extends ConfigError {
  constructor(setup: RuntimeRoleOnServer, owner: string) {
    super(
      `APP_DB_ROLE "${setup.role.name}" on database server ${setup.server} belongs to the deployment whose main database is "${owner}", ` +
        "and this deployment's APP_DB_PASSWORD does not sign in as it (changing its password would lock that deployment out): give each deployment its own APP_DB_ROLE",
    );
    this.name = 'RuntimeRoleTakenError';
  }
}

/** Thrown inside the claiming transaction to roll it back: the role is another deployment's. */
class OwnedElsewhere extends Error {
  constructor(readonly owner: string) {
    super(`owned by ${owner}`);
  }
}

/** Whether `url` (the role and its password) signs in. */
export async function signsIn(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the role, or makes an existing one this deployment's, in one transaction. An existing
 * role's row is first updated (to what it is), so that a concurrent claim waits for this one, and
 * then fails and is tried again, before it reads the mark. Returns the other deployment that owns the
 * role, if one does: the role is then left as it was.
 */
async function claim(owner: MikroORM, setup: RuntimeRoleOnServer): Promise<string | undefined> {
  const r = quoteIdent(setup.role.name);
  const attributes = `login nosuperuser nocreatedb nocreaterole nobypassrls password ${literal(setup.role.password)}`;
  try {
    await owner.em.fork().transactional(async (em) => {
      const sql = (text: string, params: unknown[] = []) => em.getConnection().execute<{ mark: string | null }[]>(text, params, 'all', em.getTransactionContext());
      const markOf = async () => (await sql("select shobj_description(oid, 'pg_authid') as mark from pg_roles where rolname = ?", [setup.role.name]))[0];
      if (!(await markOf())) {
        // Another process creating it at the same time makes this fail (a duplicate), and the retry claims it.
        await sql(`create role ${r} ${attributes}`);
      } else {
        await sql(`alter role ${r} login`);
        const other = ownerIn((await markOf())?.mark ?? null);
        if (other !== undefined && other !== setup.deployment) throw new OwnedElsewhere(other);
        await sql(`alter role ${r} ${attributes}`);
      }
      await sql(`comment on role ${r} is ${literal(runtimeRoleMark(setup.deployment))}`);
    });
    return undefined;
  } catch (error) {
    if (error instanceof OwnedElsewhere) return error.owner;
    throw error;
  }
}

/** What PostgreSQL says when two transactions create or change one role at once: trying again is all it takes. */
const CONCURRENT_CHANGE = /tuple concurrently updated|duplicate key value|already exists/;

/**
 * Ensures the runtime role on a server, as this deployment's: it can log in, owns nothing, and can
 * neither bypass row-level security nor create roles or databases. The role is marked (its comment)
 * with the deployment that owns it; its owner sets its password (a rotation of APP_DB_PASSWORD), and
 * a role with no mark (created by an earlier version, or by hand) is adopted. A role another
 * deployment owns is used as it is when this deployment's password already signs in as it (nothing is
 * changed), and refused otherwise (RuntimeRoleTakenError): changing its password would lock the other
 * deployment out. Safe to run concurrently and repeatedly.
 */
export async function ensureRuntimeRole(owner: MikroORM, setup: RuntimeRoleOnServer): Promise<void> {
  let other: string | undefined;
  try {
    // Replicas starting together race here; PostgreSQL refuses the loser of two concurrent changes to one role.
    other = await backOff(() => claim(owner, setup), {
      numOfAttempts: 10, startingDelay: 10, maxDelay: 500, jitter: 'full', retry: (error) => CONCURRENT_CHANGE.test(String(error)),
    });
  } catch (error) {
    // The driver's message starts with the statement, password included: keep only PostgreSQL's reason.
    const reason = String((error as Error).message ?? error).split(' - ').pop();
    throw new Error(`Could not set up the runtime role ${setup.role.name}: ${reason}`);
  }
  if (other !== undefined && !(await signsIn(setup.runtimeUrl))) throw new RuntimeRoleTakenError(setup, other);
}

/** Tenant tables the runtime role may only add to and read (the audit trail): no UPDATE or DELETE. */
export const APPEND_ONLY_TABLES = ['audit_log'];
/** Tenant tables the runtime role may only read (placement fences: only moves write them). */
export const READ_ONLY_TABLES = [FENCES_TABLE];

/** Privileges the runtime role should hold on one table of a placement schema. */
export function expectedRuntimePrivileges(table: string): string[] {
  if (table === MIGRATIONS_TABLE) return [];
  if (READ_ONLY_TABLES.includes(table)) return ['SELECT'];
  return APPEND_ONLY_TABLES.includes(table) ? ['INSERT', 'SELECT'] : ['DELETE', 'INSERT', 'SELECT', 'UPDATE'];
}

/**
 * Lets the runtime role read and write the tenant tables of `schema`, and nothing else there:
 * append-only tables get INSERT and SELECT only, read-only tables SELECT only, the migrations table
 * nothing. One transaction, under the schema's lockSchemaChanges: two processes granting on one
 * schema at once (two `migrate` runs, replicas starting, `doctor --fix`) take turns.
 */
export async function grantRuntimeAccess(owner: MikroORM, schema: string, roleName: string): Promise<void> {
  const s = quoteIdent(schema);
  const r = quoteIdent(roleName);
  await owner.em.fork().transactional(async (em) => {
    const run = (sql: string, params: unknown[] = []) => em.getConnection().execute<{ table_name: string }[]>(sql, params, 'all', em.getTransactionContext());
    await lockSchemaChanges(run, schema);
    await run(`grant usage on schema ${s} to ${r}`);
    await run(`grant select, insert, update, delete on all tables in schema ${s} to ${r}`);
    await run(`revoke all on ${s}.${MIGRATIONS_TABLE} from ${r}`);
    const restricted = [...APPEND_ONLY_TABLES, ...READ_ONLY_TABLES];
    const tables = await run(
      `select table_name from information_schema.tables where table_schema = ? and table_name in (${restricted.map(() => '?').join(', ')})`,
      [schema, ...restricted],
    );
    for (const { table_name } of tables) {
      const extra = READ_ONLY_TABLES.includes(table_name) ? 'insert, ' : '';
      await run(`revoke ${extra}update, delete, truncate, references, trigger on ${s}.${quoteIdent(table_name)} from ${r}`);
    }
  });
}
