import { Isolation } from './catalog/tenant.entity';

/** Where a tenant's rows live. Every tenant data access goes through its placement. */
export interface Placement {
  server: string;
  database: string;
  schema: string;
}

/** Schema of the SHARED pool in the main database. */
export const SHARED_SCHEMA = 'tenants_shared';
/** Schema that holds the tables inside a DATABASE tenant's own database. */
export const DATABASE_SCHEMA = 'tenant';
export const MAIN_SERVER = 'main';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes a derived identifier; refuses anything that is not a plain lower-case name. */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Refusing unsafe SQL identifier "${name}"`);
  return `"${name}"`;
}

function hex(tenantId: string): string {
  const value = tenantId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(value)) throw new Error('tenant id must be a uuid');
  return value;
}

/** Derives a new tenant's placement from its id (never from its slug or any other input). */
export function derivePlacement(isolation: Isolation, tenantId: string, mainDatabase: string, server = MAIN_SERVER): Placement {
  switch (isolation) {
    case Isolation.SHARED:
      return { server: MAIN_SERVER, database: mainDatabase, schema: SHARED_SCHEMA };
    case Isolation.SCHEMA:
      return { server: MAIN_SERVER, database: mainDatabase, schema: `tenant_${hex(tenantId)}` };
    case Isolation.DATABASE:
      return { server, database: `${mainDatabase}_t_${hex(tenantId)}`, schema: DATABASE_SCHEMA };
  }
}

export function placementKey(p: Placement): string {
  return `${p.server}/${p.database}/${p.schema}`;
}
