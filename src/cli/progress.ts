import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr for a terminal; one line per update otherwise (logs, CI). */
export interface Progress {
  tick(label: string): void;
  stop(): void;
}

export function progress(total: number, title: string): Progress {
  if (!process.stderr.isTTY) {
    let done = 0;
    return {
      tick: (label) => process.stderr.write(`[${++done}/${total}] ${title}: ${label}\n`),
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({ format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr }, Presets.shades_classic);
  bar.start(total, 0, { label: '' });
  return { tick: (label) => bar.increment({ label }), stop: () => bar.stop() };
}
