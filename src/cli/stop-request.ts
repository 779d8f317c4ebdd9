import { DomainError } from '../errors';
import type { MoveStop } from '../tenancy/transfer';

/**
 * The command was stopped by a signal before it changed anything for good, and what it began was
 * undone (audited as CLIENT_CLOSED_REQUEST: its caller went away, and nothing was done).
 */
export class StoppedError extends DomainError {
  constructor(readonly signal: NodeJS.Signals) {
    super('CLIENT_CLOSED_REQUEST', `stopped by ${signal}`);
  }
}

/**
 * A stop asked of work that stops itself at its next step and undoes what it began (a move): once
 * asked, `check` throws StoppedError, unless the work has passed its point of no return (`finish`),
 * in which case it ends as it would have.
 */
export class StopRequest implements MoveStop {
  private signal: NodeJS.Signals | undefined;
  private finishing = false;

  /** Asks the work to stop, for `signal`. */
  ask(signal: NodeJS.Signals): void {
    this.signal ??= signal;
  }

  check(): void {
    if (this.signal && !this.finishing) throw new StoppedError(this.signal);
  }

  finish(): boolean {
    if (!this.signal) this.finishing = true;
    return this.finishing;
  }
}
