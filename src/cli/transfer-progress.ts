import type { TransferProgress } from '../tenancy/transfer';
import { progress, type Progress } from './progress';

const TITLES: Record<TransferProgress['phase'], string> = {
  export: 'exporting',
  import: 'importing',
  copy: 'copying',
  'catch-up': 'catching up',
  hold: 'final switch',
};

/** One progress bar per phase of an export, import or move, ticking per table. */
export function transferProgress(): { onProgress(p: TransferProgress): void; stop(): void } {
  let bar: { phase: string; progress: Progress } | undefined;
  return {
    onProgress: (p) => {
      if (bar?.phase !== p.phase) {
        bar?.progress.stop();
        bar = { phase: p.phase, progress: progress(p.tables, TITLES[p.phase]) };
      }
      bar.progress.tick(`${p.table} (${p.rows} rows)`);
    },
    stop: () => {
      bar?.progress.stop();
      bar = undefined;
    },
  };
}

/** Prints a table of row counts and checksums. */
export function printTables(tables: { table: string; rows: number; checksum: string }[]): void {
  const width = Math.max(5, ...tables.map((t) => t.table.length));
  for (const t of tables) console.log(`  ${t.table.padEnd(width)}  ${String(t.rows).padStart(9)} rows  ${t.checksum}`);
}
