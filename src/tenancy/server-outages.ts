import { ServerNotAnsweringError } from '../db/faults';

interface Outage {
  /** When the next request may try the server again. */
  retryAt: number;
  /** How long the last wait was; doubles with each failed try, up to the longest. */
  waitMs: number;
  /** A request is trying the server now; the others are still refused. */
  trying: boolean;
}

/**
 * The database servers that stopped answering, from this process's point of view. A server that lets
 * a connection or a statement go unanswered past its time is marked; requests for its databases are
 * then refused at once (ServerNotAnsweringError, SERVICE_UNAVAILABLE) rather than each waiting out the
 * timeout and holding a pool meanwhile. Once the wait is over, one request tries the server: if it is
 * answered the mark goes, otherwise the next wait is twice as long (up to `longestWaitMs`).
 */
export class ServerOutages {
  private readonly outages = new Map<string, Outage>();

  constructor(
    private readonly firstWaitMs = 1_000,
    private readonly longestWaitMs = 30_000,
  ) {}

  /**
   * Lets a request go to `server`, or throws ServerNotAnsweringError while the server is marked and
   * its next try is not due (or another request is trying it). True when this request is the try:
   * it reports what it met (answered, notAnswering), or else `untried`.
   */
  enter(server: string): boolean {
    const outage = this.outages.get(server);
    if (!outage) return false;
    const now = Date.now();
    if (outage.trying || now < outage.retryAt) throw new ServerNotAnsweringError(server, Math.max(0, outage.retryAt - now));
    outage.trying = true;
    return true;
  }

  /**
   * `server` let a connection or a statement go unanswered. Marks it; a server already marked waits
   * twice as long once a try of it fails (the requests that were waiting on it as it was marked do not
   * lengthen the wait).
   */
  notAnswering(server: string): void {
    const outage = this.outages.get(server);
    if (outage && !outage.trying) return;
    const waitMs = outage ? Math.min(this.longestWaitMs, outage.waitMs * 2) : this.firstWaitMs;
    this.outages.set(server, { retryAt: Date.now() + waitMs, waitMs, trying: false });
  }

  /** `server` answered (whatever it said). */
  answered(server: string): void {
    this.outages.delete(server);
  }

  /** A try of `server` ended without telling whether it answers: the next request tries again. */
  untried(server: string): void {
    const outage = this.outages.get(server);
    if (outage) outage.trying = false;
  }

  /** The servers marked as not answering, by name. */
  get servers(): string[] {
    return [...this.outages.keys()].sort();
  }
}
