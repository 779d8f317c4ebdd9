import type { SpareSchemas } from './stock';

export interface KeeperTiming {
  /** Wait after a claim before building, so the operation that claimed finishes first. */
  refillDelayMs: number;
  /** Check the stock this often (spares claimed by other processes, failed builds). */
  checkEveryMs: number;
}

const DEFAULT_TIMING: KeeperTiming = { refillDelayMs: 1_000, checkEveryMs: 60_000 };

/**
 * Keeps `target` spare SCHEMA placements ready, in the background and one build at a time: at start,
 * shortly after each claim, and every minute. Never on a request's path, and never throws: an error
 * goes to `onError` and the next check tries again.
 */
export class SpareKeeper {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;

  constructor(
    private readonly stock: SpareSchemas,
    private readonly target: number,
    private readonly onError: (error: unknown) => void,
    private readonly timing: KeeperTiming = DEFAULT_TIMING,
  ) {}

  start(): void {
    void this.run();
    this.stock.onClaimed = () => this.wake(this.timing.refillDelayMs);
    this.interval = setInterval(() => void this.run(), this.timing.checkEveryMs);
    this.interval.unref();
  }

  /** Tops the stock up after `delayMs`. */
  wake(delayMs = 0): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Resolves once no top-up is running or due. */
  async idle(): Promise<void> {
    while (this.running || this.timers.size > 0) {
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, 10)));
    }
  }

  /** Stops checking and waits for a build in progress to end (a spare is never left half-built by choice). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stock.onClaimed = () => undefined;
    clearInterval(this.interval);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
  }

  /** One top-up at a time; a request for another while one runs makes it go round once more. */
  private run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.stock.fill(this.target, () => this.stopped);
        } catch (error) {
          this.onError(error);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
