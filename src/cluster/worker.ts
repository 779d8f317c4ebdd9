import cluster from 'node:cluster';
import { createApp } from '../app';
import type { Config } from '../config';
import { createLogger } from '../logger';
import { stopOnSignal } from './signals';

/**
 * One worker of a gateway cluster: the primary has done the start-up work and passes the database in
 * DATABASE_URL, so the worker only opens its pools and serves the shared port. A stop signal (SIGTERM
 * from the primary; SIGINT or SIGHUP to the whole process group, from a terminal) drains its requests
 * before it exits.
 */
export async function startWorker(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel).child({ role: 'worker', worker: cluster.worker!.id, pid: process.pid });
  if (!config.databaseUrl) throw new Error('a gateway worker needs the database from its primary (DATABASE_URL)');
  const app = await createApp(config, config.databaseUrl, { logger, prepared: true });
  await app.listen(config.port);
  stopOnSignal(logger, () => app.stop());
}
