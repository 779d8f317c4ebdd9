import 'reflect-metadata';
import { Client } from 'pg';
import { Isolation } from '../src/tenancy';
import { benchDatabase, callHospital, percentile, prepareHospitals, startGateway, type BenchGateway, type BenchHospital } from './support';

/**
 * Runtime connections under load over many DATABASE hospitals: creates BENCH_HOSPITALS DATABASE
 * hospitals (each with an API key) on the server, starts the built gateway as its own process with
 * DB_POOL_SIZE=BENCH_POOL_SIZE and DB_CONNECTION_BUDGET=BENCH_BUDGET, then keeps one caller per
 * hospital busy for BENCH_SECONDS (each caller walks the hospitals from its own starting point, so
 * every hospital is in use all the time) while `pg_stat_activity` is sampled every 100 ms. Reports
 * the most runtime connections seen against the budget, and the request latencies.
 * BENCH_DATABASE_URL's server (a fresh database on it) or a throwaway embedded PostgreSQL.
 */
const HOSPITALS = Number(process.env.BENCH_HOSPITALS ?? 200);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 2);
const BUDGET = Number(process.env.BENCH_BUDGET ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const QUERY = '{ patients(first: 5) { totalCount edges { node { id } } } }';

/** Samples the runtime role's connections to this run's databases until `stop` resolves; returns the largest count. */
async function sample(serverUrl: string, database: string, role: string, running: () => boolean): Promise<{ most: number; samples: number }> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  let most = 0;
  let samples = 0;
  try {
    while (running()) {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where usename = $1 and datname like $2', [role, `${database}%`]);
      most = Math.max(most, rows[0]!.n);
      samples += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.end();
  }
  return { most, samples };
}

async function load(gateway: BenchGateway, hospitals: BenchHospital[]): Promise<{ latencies: number[]; errors: string[] }> {
  const deadline = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  const errors: string[] = [];
  await Promise.all(
    hospitals.map(async (_, start) => {
      for (let i = start; Date.now() < deadline; i += 1) {
        const began = performance.now();
        try {
          await callHospital(gateway.url, hospitals[i % hospitals.length]!, QUERY);
          latencies.push(performance.now() - began);
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors };
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const database = new URL(db.url).pathname.slice(1);
  let gateway: BenchGateway | undefined;
  try {
    const { hospitals, config } = await prepareHospitals(db.url, { count: HOSPITALS, isolation: Isolation.DATABASE, env: { DB_POOL_SIZE: String(POOL_SIZE), DB_MAX_OPEN_POOLS: '4' } });
    gateway = await startGateway({ DATABASE_URL: db.url, DB_POOL_SIZE: String(POOL_SIZE), DB_CONNECTION_BUDGET: String(BUDGET) });
    let running = true;
    const sampling = sample(db.url, database, config.appRole.name, () => running);
    const { latencies, errors } = await load(gateway, hospitals).finally(() => (running = false));
    const { most, samples } = await sampling;
    console.log(`${HOSPITALS} callers for ${SECONDS} s: ${latencies.length} requests answered, ${errors.length} failed`);
    if (errors.length > 0) console.log(`first failure: ${errors[0]}`);
    console.log(`latency median ${percentile(latencies, 50).toFixed(0)} ms   p90 ${percentile(latencies, 90).toFixed(0)} ms   p99 ${percentile(latencies, 99).toFixed(0)} ms`);
    console.log(`runtime connections: at most ${most} seen in ${samples} samples; budget ${BUDGET} (pool size ${POOL_SIZE}, so ${Math.floor(BUDGET / POOL_SIZE)} pools at once)`);
    if (most > BUDGET) process.exitCode = 1;
  } finally {
    await gateway?.stop();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
