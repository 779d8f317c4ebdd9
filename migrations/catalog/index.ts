import { Migration0001Catalog } from './Migration0001Catalog';

/** Catalog migrations in order; applied to the catalog schema of the main database. */
export const CATALOG_MIGRATIONS = [Migration0001Catalog];
