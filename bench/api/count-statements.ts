import cluster from 'node:cluster';
import { subscribe } from 'node:diagnostics_channel';
import { dirname } from 'node:path';
import type { Client as PgClient } from 'pg';

/**
 * Preloaded (`node --require`) into a server under test: counts the statements it sends through
 * node-postgres and the HTTP requests it receives, answers `'counts'` on the IPC channel and exits on `'exit'`, so
 * statements per request are counted where they are sent rather than guessed. In a gateway with
 * several workers it is preloaded into each (cluster workers inherit the primary's Node options): the
 * primary answers with the sum of its own counts and every worker's, asked over the cluster's IPC.
 */
let statements = 0;
let requests = 0;

interface Counts {
  statements: number;
  requests: number;
}

// Workers serving the port (0 without a cluster), so the harness can wait for all of them before measuring.
let serving = 0;
if (cluster.isPrimary) cluster.on('listening', () => (serving += 1));

// node-postgres as the server under test resolves it: a server with dependencies of its own (the
// PostGraphile peer) loads its own copy.
const { Client } = require(require.resolve('pg', { paths: [dirname(process.argv[1]!)] })) as { Client: typeof PgClient };
const query = Client.prototype.query;
Client.prototype.query = function countedQuery(this: PgClient, ...args: unknown[]) {
  statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

subscribe('http.server.request.start', () => {
  requests += 1;
});

const ASK = 'bench:counts';

/** One worker's counts, asked over the cluster's IPC (however busy it is: a missing worker would skew the figures). */
function workerCounts(worker: NonNullable<(typeof cluster.workers)>[string]): Promise<Counts> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string } & Counts) => {
      if (message?.type !== ASK) return;
      worker!.off('message', onMessage).off('exit', onExit);
      resolve({ statements: message.statements, requests: message.requests });
    };
    const onExit = () => reject(new Error(`gateway worker ${worker!.id} exited before it reported its counts`));
    worker!.on('message', onMessage).once('exit', onExit);
    worker!.send({ type: ASK });
  });
}

async function allCounts(): Promise<Counts> {
  const workers = cluster.isPrimary ? Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected()) : [];
  const each = await Promise.all(workers.map(workerCounts));
  return each.reduce((sum, c) => ({ statements: sum.statements + c.statements, requests: sum.requests + c.requests }), { statements, requests });
}

process.on('message', (message: unknown) => {
  if (cluster.isWorker) {
    if ((message as { type?: string } | null)?.type === ASK) process.send?.({ type: ASK, statements, requests });
    return;
  }
  if (message === 'counts') {
    void allCounts().then(
      (counts) => process.send?.({ ...counts, workers: serving }),
      (error: Error) => process.send?.({ error: error.message }),
    );
  }
  if (message === 'exit') process.exit(0); // the benchmark is over: no graceful drain needed (workers exit with the primary)
});
