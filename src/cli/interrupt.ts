import { STOP_SIGNALS } from '../cluster/signals';
import { StoppedError } from './stop-request';

/**
 * Runs `work` so that a stop signal (SIGINT from Ctrl-C, SIGTERM, SIGHUP) does not leave its traces
 * behind: on the first one, `cleanUp` runs, given the signal (removing or recording what the work would otherwise
 * leave), and then the signal takes its course as if it had just arrived (the process ends as that
 * signal ends it; the embedded database's exit hook, if it was started, stops it first) — unless the
 * work has ended meanwhile other than by the stop (StoppedError): then it finished regardless, and its
 * outcome stands. While `work` runs, this is the only handler of those signals; the others are put
 * back once it ends. A second signal during the clean-up gives up on it.
 */
export async function cleanUpOnStop<T>(cleanUp: (signal: NodeJS.Signals) => Promise<void>, work: () => Promise<T>): Promise<T> {
  const others = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const restore = () => {
    for (const signal of STOP_SIGNALS) {
      process.removeListener(signal, stop);
      for (const listener of others.get(signal)!) process.on(signal, listener);
    }
  };
  let finished = false;
  let cleaning: Promise<void> | undefined;
  function stop(signal: NodeJS.Signals): void {
    if (cleaning) {
      restore();
      process.kill(process.pid, signal);
      return;
    }
    console.error(`${signal}: cleaning up before stopping`);
    cleaning = cleanUp(signal)
      .catch((error: unknown) => console.error(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        restore();
        if (!finished) process.kill(process.pid, signal);
      });
  }
  for (const signal of STOP_SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }
  try {
    const result = await work();
    finished = true;
    return result;
  } catch (error) {
    finished = !(error instanceof StoppedError);
    throw error;
  } finally {
    // Stopped: the clean-up decides how the process ends (by the signal, unless the work finished).
    if (cleaning) await cleaning;
    else restore();
  }
}
