import 'reflect-metadata';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { openTenancy } from '../src/app';
import { loadConfig } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { createTenant } from '../src/modules/platform/tenant.service';
import { Isolation, Plan } from '../src/tenancy';

/**
 * Provisioning time per isolation mode: median and p90 of N hospitals each, created one after another
 * through the same service `createTenant` uses (catalog entry, placement, first ADMIN, activation).
 * Uses BENCH_DATABASE_URL's server (a fresh database on it) or a throwaway embedded PostgreSQL.
 */
const PER_MODE = Number(process.env.BENCH_TENANTS ?? 20);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  let serverUrl = process.env.BENCH_DATABASE_URL;
  let stop = async () => undefined as void;
  if (!serverUrl) {
    const db = await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'sovereign-bench-')), port: 54_400, database: 'postgres', persistent: false });
    serverUrl = db.url;
    stop = db.stop;
  }
  const database = `sovbench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;

  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40), DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' });
  const tenancy = await openTenancy(config, url.toString());
  await tenancy.migrate();
  console.log(`provisioning ${PER_MODE} hospitals per mode`);
  try {
    for (const isolation of [Isolation.SHARED, Isolation.SCHEMA, Isolation.DATABASE]) {
      const times: number[] = [];
      for (let i = 0; i < PER_MODE; i += 1) {
        const started = performance.now();
        await createTenant(tenancy, {
          slug: `bench-${isolation.toLowerCase()}-${i}`,
          name: `Bench ${i}`,
          isolation,
          plan: Plan.BASIC,
          domains: [],
          admin: { email: 'admin@bench.test', password: 'bench-admin-password' },
        });
        times.push(performance.now() - started);
        process.stdout.write(`\r${isolation}: ${i + 1}/${PER_MODE}`);
      }
      times.sort((a, b) => a - b);
      console.log(`\r${isolation.padEnd(8)} median ${percentile(times, 50).toFixed(1)} ms   p90 ${percentile(times, 90).toFixed(1)} ms`);
    }
  } finally {
    await tenancy.close();
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${database}%`]);
    for (const { datname } of rows) await admin.query(`drop database "${datname}" with (force)`);
    await admin.end();
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
