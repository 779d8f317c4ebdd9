import { constants } from 'node:os';
import { DomainError } from '../errors';
import type { MoveStop } from '../tenancy/transfer';

/** The signals that stop a command: Ctrl-C, a termination request, a closed terminal. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof SIGNALS)[number];

/**
 * The command was stopped by a signal before it changed anything for good, and what it began was
 * undone (audited as CLIENT_CLOSED_REQUEST: its caller went away, and nothing was done).
 */
export class StoppedError extends DomainError {
  constructor(readonly signal: StopSignal) {
    super('CLIENT_CLOSED_REQUEST', `stopped by ${signal}`);
  }

  /** The exit status of a process ended by the signal (128 + its number: 130 for SIGINT). */
  get exitCode(): number {
    return 128 + constants.signals[this.signal];
  }
}

/** The work a signal stops, and how to leave it when told to quit at once. */
export interface Quit {
  /** What is stopped ("move"). */
  work: string;
  /** Run before quitting at once; its failure does not keep the process. */
  run(): Promise<void>;
  /** What quitting at once leaves, for the operator. */
  leaves: string;
}

/**
 * While listening, a stop signal no longer ends the process at once: the work asks `check` at its
 * next step and undoes itself (a move removes its target and its record), and the command then exits
 * with the signal's status. Once the work has passed its point of no return (`finish`), a signal is
 * noted and the work ends as it would have. A second signal quits at once, after `quit` (a move marks
 * its record as dead, so that the next move or purge of the hospital settles it without waiting).
 */
export class StopSignals implements MoveStop {
  private received: StopSignal | undefined;
  private finishing = false;
  private readonly onSignal = (signal: StopSignal) => {
    if (this.received) {
      console.error(`${signal}: quitting at once; ${this.quit.leaves}`);
      void this.quit.run().catch(() => undefined).finally(() => process.exit(new StoppedError(signal).exitCode));
      return;
    }
    this.received = signal;
    if (this.finishing) console.error(`${signal}: the ${this.quit.work} is past its point of no return and ends shortly`);
    else console.error(`${signal}: stopping: undoing the ${this.quit.work} (again to quit at once)`);
  };

  private constructor(private readonly quit: Quit) {}

  /** Listens until `close`. */
  static listen(quit: Quit): StopSignals {
    const stop = new StopSignals(quit);
    for (const signal of SIGNALS) process.on(signal, stop.onSignal);
    return stop;
  }

  check(): void {
    if (this.received && !this.finishing) throw new StoppedError(this.received);
  }

  finish(): boolean {
    if (!this.received) this.finishing = true;
    return this.finishing;
  }

  close(): void {
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
  }
}
