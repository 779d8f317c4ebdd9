import 'reflect-metadata';
import { join } from 'node:path';
import { openTenancy } from '../app';
import { loadConfig, type Config } from '../config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded';
import type { Tenancy } from '../tenancy';

export interface CliRuntime {
  config: Config;
  tenancy: Tenancy;
}

/** Exit codes scripts can rely on. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/**
 * Opens the tenancy core the way the gateway does (DATABASE_URL, or the embedded PostgreSQL under
 * DATA_DIR), runs one command against it, and closes everything. Returns the command's exit code.
 */
export async function withTenancy(fn: (rt: CliRuntime) => Promise<number>): Promise<number> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), port: config.embeddedPgPort, database: 'sovereign', persistent: true });
  }
  const tenancy = await openTenancy(config, config.databaseUrl ?? embedded!.url);
  try {
    return await fn({ config, tenancy });
  } finally {
    await tenancy.close();
    await embedded?.stop();
  }
}
