import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded';

export interface BenchDatabase {
  /** Owner URL of a fresh database for this run. */
  url: string;
  /** Drops it (and every tenant database named after it), then stops the embedded server if any. */
  close(): Promise<void>;
}

/** A fresh database on BENCH_DATABASE_URL's server, or on a throwaway embedded PostgreSQL. */
export async function benchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.BENCH_DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  if (!serverUrl) {
    const db = await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'sovereign-bench-')), port: 54_401, database: 'postgres', persistent: false });
    serverUrl = db.url;
    stop = db.stop;
  }
  const database = `sovbench_${Date.now().toString(36)}`;
  const owner = new Client({ connectionString: serverUrl });
  await owner.connect();
  await owner.query(`create database ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    close: async () => {
      const { rows } = await owner.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${database}%`]);
      for (const { datname } of rows) await owner.query(`drop database "${datname}" with (force)`);
      await owner.end();
      await stop();
    },
  };
}

/** The value below which `p` percent of `sorted` fall. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs `fn` and lists every statement sent through node-postgres meanwhile, each with when it was sent
 * (ms from the start) and how long its answer took.
 */
export async function traceStatements(fn: () => Promise<unknown>): Promise<string[]> {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const lines: string[] = [];
  const start = performance.now();
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = (typeof first === 'string' ? first : (first?.text ?? '')).replace(/\s+/g, ' ').trim();
    const sent = performance.now();
    const done = () => lines.push(`${(sent - start).toFixed(1).padStart(7)} ms  +${(performance.now() - sent).toFixed(1).padStart(5)}  ${text.slice(0, 110)}`);
    const callback = args.at(-1);
    // The ORM's driver passes a callback; other callers use the returned promise.
    if (typeof callback === 'function') args[args.length - 1] = (...result: unknown[]) => (done(), callback(...result));
    const result = original.apply(this, args) as Promise<unknown> | undefined;
    void result?.then?.(done, done);
    return result;
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return lines;
}
