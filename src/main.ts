import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './app';
import { startPrimary } from './cluster/primary';
import { stopOnSignal } from './cluster/signals';
import { startWorker } from './cluster/worker';
import { ConfigError, loadConfig, type Config } from './config';
import { leaveStopSignalsToTheGateway, startConfiguredDatabase } from './db/embedded';
import { EmbeddedDatabaseError } from './db/embedded-state';

/** One process serving alone (GATEWAY_WORKERS=1): the database (given or embedded), listen, and a graceful stop. */
async function serveAlone(config: Config): Promise<void> {
  const database = await startConfiguredDatabase(config);
  const app = await createApp(config, database.url).catch(async (error: unknown) => {
    await database.embedded?.stop();
    throw error;
  });
  const port = await app.listen(config.port);
  app.logger.info({ port, database: database.embedded ? 'embedded' : 'DATABASE_URL' }, `Sovereign listening on http://localhost:${port}/graphql`);
  stopOnSignal(app.logger, async () => {
    await app.stop();
    await database.embedded?.stop();
  });
  leaveStopSignalsToTheGateway();
}

/** Start-up only: configuration, then one process, or a cluster primary and its workers (see src/cluster). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.workers === 1) await serveAlone(config);
  else if (cluster.isPrimary) await startPrimary(config);
  else await startWorker(config);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : error instanceof EmbeddedDatabaseError ? error.message : error;
  console.error(message);
  process.exit(1);
});
