import { Migration0001Catalog } from './Migration0001Catalog';
import { Migration0004Transfer } from './Migration0004Transfer';

/** Catalog migrations in order; applied to the catalog schema of the main database. */
export const CATALOG_MIGRATIONS = [Migration0001Catalog, Migration0004Transfer];
