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
  | { type: 'sovereign:metrics-answer'; id: number; text: string }
  | { type: 'sovereign:metrics-collect'; id: number }
  | { type: 'sovereign:metrics-snapshot'; id: number; metrics: object[] };

/** How long the primary waits for the workers' snapshots; a worker that has not answered is left out. */
const COLLECT_MS = 2_000;

function isMetricsMessage(message: unknown): message is MetricsMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('sovereign:metrics-');
}

/** In a cluster worker: answers the primary's collections with `registry`, and gathers the gateway's metrics through it. */
export class WorkerMetrics {
  private next = 0;
  private readonly waiting = new Map<number, (text: string) => void>();

  constructor(private readonly registry: Registry) {
    process.on('message', (message: unknown) => {
      if (!isMetricsMessage(message)) return;
      if (message.type === 'sovereign:metrics-collect') {
        void this.registry.getMetricsAsJSON().then((metrics) => send({ type: 'sovereign:metrics-snapshot', id: message.id, metrics }));
      } else if (message.type === 'sovereign:metrics-answer') {
        this.waiting.get(message.id)?.(message.text);
        this.waiting.delete(message.id);
      }
    });
  }

  /** The whole gateway's metrics in the Prometheus text format. */
  gather(): Promise<string> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('the cluster primary did not answer with the metrics'));
      }, COLLECT_MS * 2);
      this.waiting.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      send({ type: 'sovereign:metrics-ask', id });
    });
  }
}

function send(message: MetricsMessage): void {
  if (process.connected) process.send?.(message);
}

/** In the cluster primary: answers each worker's ask with the sum over the serving workers (see WorkerMetrics). */
export function serveClusterMetrics(): void {
  const serving = new Set<Worker>();
  const collections = new Map<number, { snapshots: object[][]; pending: Set<Worker>; done: () => void }>();
  let next = 0;
  cluster.on('listening', (worker) => serving.add(worker));
  cluster.on('exit', (worker) => {
    serving.delete(worker);
    for (const collection of collections.values()) if (collection.pending.delete(worker) && collection.pending.size === 0) collection.done();
  });
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === 'sovereign:metrics-snapshot') {
      const collection = collections.get(message.id);
      if (!collection?.pending.delete(from)) return;
      collection.snapshots.push(message.metrics);
      if (collection.pending.size === 0) collection.done();
    } else if (message.type === 'sovereign:metrics-ask') {
      const id = next++;
      const pending = new Set([...serving].filter((w) => w.isConnected()));
      const snapshots: object[][] = [];
      const done = () => {
        clearTimeout(timer);
        if (!collections.delete(id)) return;
        void AggregatorRegistry.aggregate(snapshots)
          .metrics()
          .then((text) => from.isConnected() && from.send({ type: 'sovereign:metrics-answer', id: message.id, text } satisfies MetricsMessage));
      };
      const timer = setTimeout(done, COLLECT_MS);
      collections.set(id, { snapshots, pending, done });
      for (const worker of pending) worker.send({ type: 'sovereign:metrics-collect', id } satisfies MetricsMessage);
      if (pending.size === 0) done();
    }
  });
}
