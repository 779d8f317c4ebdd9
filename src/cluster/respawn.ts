/**
 * How long to wait before replacing a worker that died: doubling from `initialMs` up to `maxMs` while
 * workers keep dying, back to `initialMs` once none has died for `quietMs`. A worker that crashes on
 * every start is retried ever more slowly instead of in a tight loop.
 */
export class RespawnBackoff {
  private failures = 0;
  private last = -Infinity;

  constructor(
    private readonly options: { initialMs: number; maxMs: number; quietMs: number } = { initialMs: 500, maxMs: 30_000, quietMs: 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  /** The wait before the next replacement, counting this death. */
  next(): number {
    const now = this.now();
    if (now - this.last > this.options.quietMs) this.failures = 0;
    this.last = now;
    const delay = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.failures);
    this.failures += 1;
    return delay;
  }
}
