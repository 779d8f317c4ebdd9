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
