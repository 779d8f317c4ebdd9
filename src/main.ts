import 'reflect-metadata';
import { join } from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';

/** Start-up only: configuration, the database (given or embedded), listen, and a graceful stop. */
async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), port: config.embeddedPgPort, database: 'sovereign', persistent: true });
  }
  const app = await createApp(config, config.databaseUrl ?? embedded!.url);
  const port = await app.listen(config.port);
  app.logger.info({ port, database: embedded ? 'embedded' : 'DATABASE_URL' }, `Sovereign listening on http://localhost:${port}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'draining and shutting down');
    await app.stop();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : error;
  console.error(message);
  process.exit(1);
});
