import 'reflect-metadata';
import { join } from 'node:path';
import { openTenancy } from '../app';
import { ConfigError, loadConfig } from '../config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded';

/**
 * `npm run migrate`: the catalog, the shared schema, then every SCHEMA/DATABASE placement, one line
 * per tenant with a running count. Goes on past a failing tenant; exits 1 if any failed.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), port: config.embeddedPgPort, database: 'sovereign', persistent: true });
  }
  const tenancy = await openTenancy(config, config.databaseUrl ?? embedded!.url);
  try {
    const report = await tenancy.migrate((result, done, total) => {
      const outcome = result.error ? `FAILED: ${result.error}` : result.applied.length ? `applied ${result.applied.join(', ')}` : 'up to date';
      console.log(`[${done}/${total}] ${result.slug} (${result.isolation}): ${outcome}`);
    });
    console.log(`catalog: ${report.catalog.length ? report.catalog.join(', ') : 'up to date'}`);
    console.log(`shared schema: ${report.shared.length ? report.shared.join(', ') : 'up to date'}`);
    console.log(`tenants: ${report.tenants.length - report.failed} migrated, ${report.skipped} already at the latest, ${report.failed} failed`);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await tenancy.close();
    await embedded?.stop();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
    process.exit(1);
  });
