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
 * DATA_DIR: the one already running there, or one started for the command), runs one command against
 * it, and closes everything (a server it did not start is left running). Returns the command's exit code.
 */
export async function withTenancy(fn: (rt: CliRuntime) => Promise<number>): Promise<number> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    // Beside a running gateway (`npm start` in the same checkout), its server is used as it is, and left running.
    embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), port: config.embeddedPgPort, database: 'sovereign', persistent: true, joinRunning: true });
  }
  const tenancy = await openTenancy(config, config.databaseUrl ?? embedded!.url);
  try {
    return await fn({ config, tenancy });
  } finally {
    await tenancy.close();
    await embedded?.stop();
  }
}
