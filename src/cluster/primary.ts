import cluster, { type Worker } from 'node:cluster';
import { prepareDatabase } from '../app';
import type { Config } from '../config';
import { leaveStopSignalsToTheGateway, startConfiguredDatabase } from '../db/embedded';
import { serveClusterMetrics } from '../http/cluster-metrics';
import { createLogger, type Logger } from '../logger';
import { serveSharedLimiters } from '../rate-limits';
import { RespawnBackoff } from './respawn';
import { stopOnSignal } from './signals';

/**
 * The primary of a gateway cluster (GATEWAY_WORKERS > 1): starts the embedded database when there is
 * no DATABASE_URL, does the start-up work once (migrations, runtime role, first platform admin), serves
 * what the workers share without Redis (the sign-in lockout and demo-request counters, the metrics of
 * the whole gateway; catalog invalidations reach each worker from PostgreSQL itself), then forks the
 * workers and keeps their number. It serves no request itself. A stop signal (SIGTERM, SIGINT, SIGHUP)
 * drains every worker, then stops the embedded database.
 */
export async function startPrimary(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel).child({ role: 'primary', pid: process.pid });
  const database = await startConfiguredDatabase(config);
  const workers = new Workers(config.workers, { DATABASE_URL: database.url }, logger);
  try {
    await prepareDatabase(config, database.url, logger);
    serveSharedLimiters();
    serveClusterMetrics();
    stopOnSignal(logger, async () => {
      await workers.stop();
      await database.embedded?.stop();
    });
    leaveStopSignalsToTheGateway();
    const port = await workers.start();
    logger.info({ port, workers: config.workers, database: database.embedded ? 'embedded' : 'DATABASE_URL' }, `Sovereign listening on http://localhost:${port}/graphql`);
  } catch (error) {
    await workers.stop();
    await database.embedded?.stop();
    throw error;
  }
}

/** The primary's workers: forked together, each replaced (with a backoff) if it dies, stopped together. */
class Workers {
  private stopping = false;
  private readonly backoff = new RespawnBackoff();
  private readonly respawns = new Set<NodeJS.Timeout>();

  constructor(
    private readonly count: number,
    private readonly env: Record<string, string>,
    private readonly logger: Logger,
  ) {}

  /** Forks the workers; resolves with the port once all of them listen, rejects if one exits first. */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      let listening = 0;
      const onListening = (_worker: Worker, address: { port: number }) => {
        listening += 1;
        if (listening < this.count) return;
        // Started: from now on a worker that exits is replaced, once. A replacement that starts
        // listening must not come back here, or every later death would be replaced once more.
        cluster.off('listening', onListening);
        cluster.off('exit', failedToStart);
        cluster.on('exit', (worker, code, signal) => this.replace(worker, code, signal));
        resolve(address.port);
      };
      const failedToStart = (worker: Worker, code: number | null, signal: string | null) => {
        if (this.stopping) return; // stopped by a signal while starting: not a failure
        cluster.off('listening', onListening);
        cluster.off('exit', failedToStart);
        reject(new Error(`gateway worker ${worker.id} exited before it served (code ${code}, signal ${signal}); see its log above`));
      };
      cluster.on('listening', onListening);
      cluster.on('exit', failedToStart);
      for (let n = 0; n < this.count; n += 1) this.fork();
    });
  }

  /** Sends SIGTERM to every worker (each drains its requests in flight) and waits until all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.respawns) clearTimeout(timer);
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    await Promise.all(
      alive.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', (code: number | null, signal: string | null) => {
              this.logger.info({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'gateway worker exited');
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  }

  private fork(): void {
    const worker = cluster.fork(this.env);
    this.logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'gateway worker started');
    worker.once('listening', () => this.logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'gateway worker serving'));
  }

  private replace(worker: Worker, code: number | null, signal: string | null): void {
    if (this.stopping) return;
    const delayMs = this.backoff.next();
    this.logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal, delayMs }, 'gateway worker exited; replacing it');
    const timer = setTimeout(() => {
      this.respawns.delete(timer);
      if (!this.stopping) this.fork();
    }, delayMs);
    this.respawns.add(timer);
  }
}
