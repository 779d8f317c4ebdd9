import { STOP_SIGNALS } from '../cluster/signals';

/**
 * Runs `work` so that a stop signal (SIGINT from Ctrl-C, SIGTERM, SIGHUP) does not leave its traces
 * behind: on the first one, `cleanUp` runs, given the signal (removing or recording what the work would otherwise
 * leave), and then the signal takes its course as if it had just arrived (the process ends as that
 * signal ends it; the embedded database's exit hook, if it was started, stops it first). While `work`
 * runs, this is the only handler of those signals; the others are put back once it ends. A second
 * signal during the clean-up gives up on it.
 */
export async function cleanUpOnStop<T>(cleanUp: (signal: NodeJS.Signals) => Promise<void>, work: () => Promise<T>): Promise<T> {
  const others = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const restore = () => {
    for (const signal of STOP_SIGNALS) {
      process.removeListener(signal, stop);
      for (const listener of others.get(signal)!) process.on(signal, listener);
    }
  };
  let stopping = false;
  function stop(signal: NodeJS.Signals): void {
    if (stopping) {
      restore();
      process.kill(process.pid, signal);
      return;
    }
    stopping = true;
    console.error(`${signal}: cleaning up before stopping`);
    cleanUp(signal)
      .catch((error: unknown) => console.error(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        restore();
        process.kill(process.pid, signal);
      });
  }
  for (const signal of STOP_SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }
  try {
    return await work();
  } finally {
    if (!stopping) restore();
  }
}
