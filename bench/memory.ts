import 'reflect-metadata';
import pLimit from 'p-limit';
import { Isolation } from '../src/tenancy';
import { benchDatabase, callHospital, prepareHospitals, signIn, startGateway, type BenchGateway, type BenchHospital } from './support';

/**
 * Gateway memory after serving many SCHEMA hospitals: creates BENCH_HOSPITALS SCHEMA hospitals (each
 * with an API key) directly through the tenancy core, starts the built gateway as its own process in
 * production mode, sends BENCH_REQUESTS requests to every hospital, and reads the process's resident
 * memory (VmRSS) after start-up, after each round over all hospitals, and after a quiet pause.
 * With BENCH_LOGINS=1 each hospital also has a DOCTOR who first signs in with a password (verified
 * with argon2, as every real sign-in is), and the rounds use those access tokens instead of the keys.
 * BENCH_DATABASE_URL's server (a fresh database on it) or a throwaway embedded PostgreSQL.
 */
const HOSPITALS = Number(process.env.BENCH_HOSPITALS ?? 1000);
const ROUNDS = Number(process.env.BENCH_REQUESTS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 15_000);
const LOGINS = process.env.BENCH_LOGINS === '1';
const QUERIES = [
  '{ patients(first: 5) { totalCount edges { node { id firstName lastName } } } }',
  '{ appointments(first: 5) { totalCount } }',
  '{ departments(first: 5) { totalCount edges { node { id name } } } }',
];

function report(gateway: BenchGateway, label: string): void {
  const { rssMiB, peakMiB } = gateway.memory();
  console.log(`${label.padEnd(44)} RSS ${rssMiB.toFixed(0).padStart(4)} MiB   peak ${peakMiB.toFixed(0).padStart(4)} MiB`);
}

async function round(hospitals: BenchHospital[], call: (hospital: BenchHospital) => Promise<unknown>): Promise<number> {
  const limit = pLimit(CONCURRENCY);
  const started = performance.now();
  await Promise.all(hospitals.map((hospital) => limit(() => call(hospital))));
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  let gateway: BenchGateway | undefined;
  try {
    const { hospitals } = await prepareHospitals(db.url, { count: HOSPITALS, isolation: Isolation.SCHEMA, staff: LOGINS });
    // The per-minute limits would refuse a thousand sign-ins from one address; memory is the subject here.
    const started = await startGateway({ DATABASE_URL: db.url, ...(LOGINS ? { RATE_LIMIT_MULTIPLIER: '0' } : {}) });
    gateway = started;
    report(started, 'gateway started, no request yet');
    if (LOGINS) {
      const seconds = await round(hospitals, (hospital) => signIn(started.url, hospital));
      report(started, `after ${HOSPITALS} password sign-ins (${seconds.toFixed(1)} s)`);
    }
    for (let r = 0; r < ROUNDS; r += 1) {
      const query = QUERIES[r % QUERIES.length]!;
      const seconds = await round(hospitals, (hospital) => callHospital(started.url, hospital, query));
      report(started, `after round ${r + 1} (${HOSPITALS} requests, ${seconds.toFixed(1)} s)`);
    }
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    report(gateway, `after a ${PAUSE_MS / 1000} s pause`);
  } finally {
    await gateway?.stop();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
