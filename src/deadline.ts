import { UnavailableError } from './errors';

/**
 * The time by which a request must be answered. Work checks it before starting (`check`), the
 * request transaction caps its statement timeout at what is left (`remainingMs`), and the HTTP layer
 * answers REQUEST_TIMEOUT when it passes. Committing and expiring exclude each other: once the
 * request starts finishing on time (`finish`) it is no longer expired, and once expired it can no
 * longer finish (so a request answered with REQUEST_TIMEOUT is never committed afterwards).
 */
export class Deadline {
  private state: 'running' | 'finishing' | 'expired' = 'running';

  private constructor(readonly expiresAt: number) {}

  static after(ms: number): Deadline {
    return new Deadline(Date.now() + ms);
  }

  /** Milliseconds left (0 once passed). */
  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  get expired(): boolean {
    return this.state === 'expired' || (this.state === 'running' && Date.now() >= this.expiresAt);
  }

  /** Throws REQUEST_TIMEOUT once the deadline has passed: no new work starts after it. */
  check(): void {
    if (this.expired) throw UnavailableError.timedOut();
  }

  /** The request is about to commit and answer: true if it is on time (the deadline then stops counting). */
  finish(): boolean {
    if (this.state === 'running' && Date.now() < this.expiresAt) this.state = 'finishing';
    else if (this.state === 'running') this.state = 'expired';
    return this.state === 'finishing';
  }

  /** The deadline has passed: true unless the request was already finishing on time. */
  expire(): boolean {
    if (this.state === 'running') this.state = 'expired';
    return this.state === 'expired';
  }
}
