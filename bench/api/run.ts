import 'reflect-metadata';
import autocannon from 'autocannon';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openTenancy } from '../../src/app';
import { TokenService } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { MAIN_SERVER, quoteIdent, SHARED_SCHEMA } from '../../src/tenancy/placement';
import { ServerRegistry } from '../../src/tenancy/servers';
import { benchDatabase, percentile } from '../support';
import { buildDataset, datasetSize, type BenchHospital, type DatasetSize } from './dataset';
import { backendCpuMs, backendCpuSpent, ServerProcess } from './servers';
import { answer, check, prepare, type Dialect, type Expectation, type WorkloadName } from './workloads';

/**
 * The gateway against a raw baseline (bench/baseline), an audited baseline, PostGraphile
 * (bench/postgraphile, all-SHARED runs) and optionally another build of the gateway, on the same
 * dataset: the workloads over HTTP with autocannon, runs alternating between the servers, medians
 * reported. Every answer is checked for shape and hospital; a run with any failure is reported as not
 * valid.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 12);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** The gateway listens here; the other servers on the ports after it (see bench/README). */
const PORT = Number(process.env.BENCH_PORT ?? 4610);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 10);
// One gateway process by default, like-for-like with the one-process baseline.
const GATEWAY_WORKERS = process.env.BENCH_GATEWAY_WORKERS ?? '1';
const WORKER_COUNT = GATEWAY_WORKERS === 'auto' ? availableParallelism() : Number(GATEWAY_WORKERS);
const CLUSTER_WORKERS = WORKER_COUNT > 1 ? WORKER_COUNT : 0; // one process serves without a cluster
const WORKLOADS = (process.env.BENCH_WORKLOADS ?? 'list,point,write,floor').split(',').filter(Boolean) as WorkloadName[];
/** `audited baseline`: the baseline inside the gateway's request transaction, with its audit entry (BASELINE_AUDITED). */
const AUDITED = (process.env.BENCH_AUDITED_BASELINE ?? '1') !== '0';
/**
 * `postgraphile`: the peer, in a run where every hospital is SHARED (the only placement it serves),
 * once `npm run bench:peer` has built it (BENCH_POSTGRAPHILE=0 leaves it out).
 */
const POSTGRAPHILE = (process.env.BENCH_POSTGRAPHILE ?? '1') !== '0';
const POSTGRAPHILE_SERVER = join(__dirname, '..', '..', '..', 'bench', 'postgraphile', 'dist', 'server.js');
/**
 * `gateway B`: another build of the gateway (its `dist/src/main.js`, BENCH_GATEWAY_B), run beside this
 * one with the same settings: a change measured against the code before it in the same run, as the
 * machine's speed drifts between runs.
 */
const GATEWAY_B = process.env.BENCH_GATEWAY_B;
const dialectOf = (server: ServerProcess): Dialect => (server.name === 'postgraphile' ? 'postgraphile' : 'gateway');
const JWT_SECRET = 'bench-secret-'.padEnd(48, 'x');
const APP_DB_PASSWORD = 'sovereign_app_dev';

interface RunFigures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
  firstFailure?: string;
  statementsPerRequest: number;
  cpuMsPerRequest: number;
  pgCpuMsPerRequest: number;
}

let sent = 0; // never reset: every write gets its own time slot across all runs
const written: { hospital: number; id: string }[] = [];

async function measure(server: ServerProcess, workload: WorkloadName, seconds: number, ctx: { hospitals: BenchHospital[]; tokens: string[]; size: DatasetSize; owner: Client; prefix: string }): Promise<RunFigures> {
  let failures = 0;
  let firstFailure: string | undefined;
  const countsBefore = await server.counts();
  const cpuBefore = server.cpuMs();
  const pgBefore = await backendCpuMs(ctx.owner, ctx.prefix);
  const dialect = dialectOf(server);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const next = prepare(workload, sent++, ctx.hospitals, ctx.tokens, ctx.size, dialect);
          (context as { expect?: Expectation }).expect = next.expect;
          return { ...request, path: next.path, headers: next.headers, body: next.body };
        },
        onResponse: (status, body, context) => {
          const expect = (context as { expect: Expectation }).expect;
          const json = answer(body, dialect);
          const problem = check(workload, status, json, expect, ctx.size);
          if (problem) {
            failures += 1;
            firstFailure ??= problem;
          } else if (workload === 'write' && written.length < 300 && sent % 37 === 0) {
            written.push({ hospital: expect.hospital, id: json!.data!.createAppointment.id });
          }
        },
      },
    ],
  });
  const pgAfter = await backendCpuMs(ctx.owner, ctx.prefix);
  const cpu = server.cpuMs() - cpuBefore;
  const countsAfter = await server.counts();
  const served = Math.max(1, countsAfter.requests - countsBefore.requests);
  failures += result.errors + result.timeouts;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures,
    firstFailure,
    statementsPerRequest: (countsAfter.statements - countsBefore.statements) / served,
    cpuMsPerRequest: cpu / served,
    pgCpuMsPerRequest: backendCpuSpent(pgBefore, pgAfter) / served,
  };
}

/** Sampled tenant check of the writes: each sampled appointment is in its own hospital's rows. */
async function checkWrites(hospitals: BenchHospital[], databaseUrl: string): Promise<string> {
  let wrong = 0;
  for (const w of written) {
    const h = hospitals[w.hospital]!;
    const url = new URL(databaseUrl);
    url.pathname = `/${h.placement.database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    const { rows } = await client.query(`select tenant_id from ${quoteIdent(h.placement.schema)}.appointments where id = $1`, [w.id]);
    await client.end();
    if (rows[0]?.tenant_id !== h.id) wrong += 1;
  }
  return `${written.length} sampled writes checked in their hospital's placement: ${wrong} wrong`;
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const fixed = (n: number, digits = 1) => n.toFixed(digits);

function report(workload: WorkloadName, runs: Record<string, RunFigures[]>): string[] {
  const rows: string[] = [];
  const m = (name: string, key: keyof RunFigures) => median(runs[name]!.map((r) => r[key] as number));
  const names = Object.keys(runs);
  for (const name of names) {
    const failures = runs[name]!.reduce((sum, r) => sum + r.failures, 0);
    const failure = runs[name]!.find((r) => r.firstFailure)?.firstFailure;
    rows.push(
      `| ${workload} | ${name} | ${fixed(m(name, 'rps'), 0)} | ${fixed(m(name, 'p50'))} | ${fixed(m(name, 'p99'))} | ${fixed(m(name, 'statementsPerRequest'), 2)} | ` +
        `${fixed(m(name, 'cpuMsPerRequest'), 2)} | ${fixed(m(name, 'pgCpuMsPerRequest'), 2)} | ${failures}${failure ? ` (${failure})` : ''} |`,
    );
  }
  const ratio = (a: string, b: string) => rows.push(`| ${workload} | ${a} / ${b} | ${((m(a, 'rps') / m(b, 'rps')) * 100).toFixed(0)} % | | | | | | |`);
  ratio('gateway', 'baseline');
  if (names.includes('audited baseline')) {
    ratio('audited baseline', 'baseline');
    ratio('gateway', 'audited baseline');
  }
  if (names.includes('postgraphile')) {
    ratio('postgraphile', 'baseline');
    ratio('gateway', 'postgraphile');
  }
  if (names.includes('gateway B')) ratio('gateway B', 'gateway');
  return rows;
}

async function main(): Promise<void> {
  const size = datasetSize();
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const db = await benchDatabase();
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET, APP_DB_PASSWORD, DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' });
  const tenancy = await openTenancy(config, db.url);
  let hospitals: BenchHospital[];
  try {
    await tenancy.migrate();
    log(`dataset: ${size.hospitals} hospitals (${size.isolation}) × ${size.patients} patients × ${size.appointments} appointments, ${size.departments} departments each`);
    hospitals = await buildDataset(tenancy, size, log);
  } finally {
    await tenancy.close();
  }
  // One access token per hospital, for its first DOCTOR's session, valid for the whole run.
  const ttl = 4 * 3600;
  const signer = new TokenService(new TextEncoder().encode(JWT_SECRET), ttl);
  const tokens = await Promise.all(hospitals.map((h) => signer.sign({ sub: h.userId, kind: 'tenant', sid: h.sessionId, tid: h.id })));
  const databases = new Set(hospitals.map((h) => h.placement.database)).size;
  const common = { DATABASE_URL: db.url, JWT_SECRET, DB_POOL_SIZE: String(POOL_SIZE) };
  const gatewayEnv = {
    ...common,
    NODE_ENV: 'production',
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'warn',
    APP_DB_PASSWORD,
    DATA_DIR: tmpdir(),
    MIGRATE_ON_START: 'false',
    JWT_TTL_SECONDS: String(ttl),
    // Every database keeps its pool: no pool is closed and reopened during a run.
    DB_MAX_OPEN_POOLS: String(databases + 2),
    // Request rate limits off: the benchmark is one client hammering a few hospitals.
    RATE_LIMIT_MULTIPLIER: '0',
    GATEWAY_WORKERS,
  };
  const gatewayNodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const servers: Record<string, ServerProcess> = {
    gateway: await ServerProcess.start('gateway', join(__dirname, '..', '..', 'src', 'main.js'), PORT, gatewayEnv, gatewayNodeArgs, CLUSTER_WORKERS),
    baseline: await ServerProcess.start('baseline', join(__dirname, '..', 'baseline', 'server.js'), PORT + 1, common),
  };
  if (GATEWAY_B) servers['gateway B'] = await ServerProcess.start('gateway-b', GATEWAY_B, PORT + 4, gatewayEnv, gatewayNodeArgs, CLUSTER_WORKERS);
  if (AUDITED) servers['audited baseline'] = await ServerProcess.start('audited-baseline', join(__dirname, '..', 'baseline', 'server.js'), PORT + 2, { ...common, BASELINE_AUDITED: '1' });
  if (POSTGRAPHILE && size.isolation === 'SHARED') {
    if (existsSync(POSTGRAPHILE_SERVER)) {
      const registry = new ServerRegistry(db.url, [], config.appRole);
      const runtimeUrl = registry.runtimeUrl(MAIN_SERVER, registry.mainDatabase);
      servers.postgraphile = await ServerProcess.start('postgraphile', POSTGRAPHILE_SERVER, PORT + 3, { ...common, DATABASE_URL: runtimeUrl, PG_SCHEMA: SHARED_SCHEMA });
    } else {
      log('PostGraphile left out: `npm run bench:peer` installs and builds it');
    }
  }
  const owner = new Client({ connectionString: db.url });
  await owner.connect();
  const prefix = new URL(db.url).pathname.slice(1);
  const ctx = { hospitals, tokens, size, owner, prefix };
  const lines = [
    '| workload | server | req/s | p50 ms | p99 ms | SQL statements / request | server CPU ms / request | PostgreSQL CPU ms / request | failures |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const load = [loadavg()[0]!];
  try {
    for (const workload of WORKLOADS) {
      const runs: Record<string, RunFigures[]> = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
      for (const server of Object.values(servers)) await measure(server, workload, WARMUP_SECONDS, ctx);
      for (let round = 1; round <= ROUNDS; round += 1) {
        for (const [name, server] of Object.entries(servers)) {
          const r = await measure(server, workload, SECONDS, ctx);
          runs[name]!.push(r);
          log(`${workload} ${name} #${round}: ${fixed(r.rps, 0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${fixed(r.statementsPerRequest, 2)} SQL/req, ` +
            `${fixed(r.cpuMsPerRequest, 2)} CPU ms/req, PostgreSQL ${fixed(r.pgCpuMsPerRequest, 2)} ms/req, ${r.failures} failures${r.firstFailure ? ` (${r.firstFailure})` : ''}`);
          load.push(loadavg()[0]!);
        }
      }
      lines.push(...report(workload, runs));
    }
    if (WORKLOADS.includes('write')) log(await checkWrites(hospitals, db.url));
    console.log(`\n${size.hospitals} hospitals (${size.isolation}) × ${size.patients} patients × ${size.appointments} appointments; ${CONNECTIONS} connections, ` +
      `${ROUNDS} alternating runs of ${SECONDS} s per server and workload (medians), pool size ${POOL_SIZE}, gateway workers ${GATEWAY_WORKERS}; load average (1 min) ${fixed(Math.min(...load))}–${fixed(Math.max(...load))}\n`);
    console.log(lines.join('\n'));
  } finally {
    await owner.end();
    for (const server of Object.values(servers)) await server.stop();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
