import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * `/metrics` of a gateway with several workers. A scrape reaches one worker, which asks the primary;
 * the primary asks every serving worker for its metrics and aggregates them with prom-client
 * (counters, histograms and the open-pool and lease gauges summed; the configured pool bounds, which
 * hold per process, taken from one worker; default process metrics as prom-client defines), so the
 * scrape describes the whole gateway whichever worker answered it.
 */
type MetricsMessage =
  | { type: 'sovereign:metrics-ask'; id: number }
  | { type: 'sovereign:metrics-answer'; id: number; text?: string; error?: string }
  | { type: 'sovereign:metrics-collect'; id: number }
  | { type: 'sovereign:metrics-snapshot'; id: number; metrics: object[] };

/**
 * How long the primary waits for every serving worker's snapshot. A scrape missing a worker would
 * show its counters falling, which Prometheus reads as a reset; the scrape fails instead.
 */
const COLLECT_MS = 5_000;

/** The primary could not gather every worker's metrics (the scrape is answered 503). */
export class MetricsUnavailableError extends Error {}

function isMetricsMessage(message: unknown): message is MetricsMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('sovereign:metrics-');
}

function send(message: MetricsMessage): void {
  if (process.connected) process.send?.(message);
}

/** In a cluster worker: answers the primary's collections with `registry`, and gathers the gateway's metrics through it. */
export class WorkerMetrics {
  private next = 0;
  private readonly waiting = new Map<number, (answer: { text?: string; error?: string }) => void>();

  constructor(private readonly registry: Registry) {
    process.on('message', (message: unknown) => {
      if (!isMetricsMessage(message)) return;
      if (message.type === 'sovereign:metrics-collect') {
        void this.registry.getMetricsAsJSON().then((metrics) => send({ type: 'sovereign:metrics-snapshot', id: message.id, metrics }));
      } else if (message.type === 'sovereign:metrics-answer') {
        this.waiting.get(message.id)?.(message);
      }
    });
  }

  /** The whole gateway's metrics in the Prometheus text format; MetricsUnavailableError if they cannot all be had. */
  gather(): Promise<string> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const settle = (answer: { text?: string; error?: string }) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        if (answer.text !== undefined) resolve(answer.text);
        else reject(new MetricsUnavailableError(answer.error));
      };
      const timer = setTimeout(() => settle({ error: 'the cluster primary did not answer' }), COLLECT_MS + 1_000);
      this.waiting.set(id, settle);
      send({ type: 'sovereign:metrics-ask', id });
    });
  }
}

interface Collection {
  asker: Worker;
  askId: number;
  pending: Set<Worker>;
  snapshots: object[][];
  timer: NodeJS.Timeout;
}

/** In the cluster primary: answers each worker's ask with the aggregate over every serving worker (see WorkerMetrics). */
export function serveClusterMetrics(): void {
  const serving = new Set<Worker>();
  const collections = new Map<number, Collection>();
  let next = 0;

  const answer = (id: number, error?: string) => {
    const collection = collections.get(id);
    if (!collection) return;
    collections.delete(id);
    clearTimeout(collection.timer);
    const reply = (message: MetricsMessage) => collection.asker.isConnected() && collection.asker.send(message);
    if (error) reply({ type: 'sovereign:metrics-answer', id: collection.askId, error });
    else void AggregatorRegistry.aggregate(collection.snapshots).metrics().then((text) => reply({ type: 'sovereign:metrics-answer', id: collection.askId, text }));
  };

  cluster.on('listening', (worker) => serving.add(worker));
  cluster.on('exit', (worker) => {
    serving.delete(worker);
    // A worker gone mid-collection is left out, as a restarted process would be.
    for (const [id, collection] of collections) if (collection.pending.delete(worker) && collection.pending.size === 0) answer(id);
  });
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === 'sovereign:metrics-snapshot') {
      const collection = collections.get(message.id);
      if (!collection?.pending.delete(from)) return;
      collection.snapshots.push(message.metrics);
      if (collection.pending.size === 0) answer(message.id);
    } else if (message.type === 'sovereign:metrics-ask') {
      const id = next++;
      const pending = new Set([...serving].filter((w) => w.isConnected()));
      const timer = setTimeout(() => answer(id, `${collections.get(id)?.pending.size} worker(s) did not report their metrics within ${COLLECT_MS} ms`), COLLECT_MS);
      collections.set(id, { asker: from, askId: message.id, pending, snapshots: [], timer });
      for (const worker of pending) worker.send({ type: 'sovereign:metrics-collect', id } satisfies MetricsMessage);
      if (pending.size === 0) answer(id);
    }
  });
}
