import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { Client } from 'pg';
import { openTenancy } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { hashPassword } from '../src/auth/passwords';
import { createApiKey } from '../src/modules/api-keys/api-key.service';
import { User } from '../src/modules/users/user.entity';
import { runInTenant, TenantStatus, type Isolation, type Tenancy } from '../src/tenancy';
import { Plan, Tenant } from '../src/tenancy/catalog';
import { derivePlacement } from '../src/tenancy/placement';
import { toTenantRecord } from '../src/tenancy/tenant-record';

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

export interface BenchHospital {
  slug: string;
  /** A DOCTOR API key, when asked for. */
  apiKey?: string;
  /** A DOCTOR who signs in with a password, when asked for. */
  doctor?: { email: string; password: string };
  /** An access token, once `signIn` has run. */
  token?: string;
}

/** The password of every bench DOCTOR (`staff`); one hash serves them all, so creating them costs no hashing. */
export const BENCH_PASSWORD = 'bench-doctor-password-1';

/**
 * Creates `count` hospitals directly through the tenancy core: catalog entry and placement at the
 * latest tenant migration, no ADMIN user (so no password hashing); with `apiKeys`, a DOCTOR API key
 * in each, to call the gateway with; with `staff`, a DOCTOR who signs in with BENCH_PASSWORD.
 */
export async function createHospitals(
  tenancy: Tenancy,
  options: { count: number; isolation: Isolation; concurrency: number; apiKeys?: boolean; staff?: boolean },
): Promise<BenchHospital[]> {
  const limit = pLimit(options.concurrency);
  const passwordHash = options.staff ? await hashPassword(BENCH_PASSWORD) : '';
  let done = 0;
  const hospitals = await Promise.all(
    Array.from({ length: options.count }, (_, i) =>
      limit(async () => {
        const em = tenancy.central.em.fork();
        const slug = `bench-${String(i).padStart(4, '0')}`;
        const tenant = em.create(Tenant, { slug, name: `Bench ${i}`, isolation: options.isolation, plan: Plan.ENTERPRISE } as Tenant);
        const p = derivePlacement(options.isolation, tenant.id, tenancy.servers.mainDatabase);
        Object.assign(tenant, { serverName: p.server, databaseName: p.database, schemaName: p.schema, status: TenantStatus.ACTIVE, migrationVersion: tenancy.latestTenantMigration });
        await tenancy.strategies[options.isolation].create(p);
        await em.persistAndFlush(tenant);
        const hospital: BenchHospital = { slug };
        if (options.apiKeys) {
          hospital.apiKey = (await runInTenant(tenancy.pools, toTenantRecord(tenant), (tem) => createApiKey(tem, { name: 'bench', role: 'DOCTOR' }, null))).key;
        }
        if (options.staff) {
          const doctor = { email: `doctor@${slug}.test`, password: BENCH_PASSWORD };
          await runInTenant(tenancy.pools, toTenantRecord(tenant), async (tem) => {
            tem.create(User, { email: doctor.email, displayName: 'Bench Doctor', passwordHash, roles: ['DOCTOR'] } as User);
            await tem.flush();
          });
          hospital.doctor = doctor;
        }
        done += 1;
        if (done % 50 === 0) process.stdout.write(`\rcreated ${done}/${options.count}`);
        return hospital;
      }),
    ),
  );
  process.stdout.write('\n');
  return hospitals;
}

export interface BenchGateway {
  process: ChildProcess;
  url: string;
  /** Resident memory of the gateway process now, and its peak so far (MiB, from /proc). */
  memory(): { rssMiB: number; peakMiB: number };
  stop(): Promise<void>;
}

/** Starts the built gateway (dist/src/main.js) as its own process, production mode, and waits until it is ready. */
export async function startGateway(env: Record<string, string>): Promise<BenchGateway> {
  const port = 4000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'main.js')], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), LOG_LEVEL: 'warn', JWT_SECRET: 'b'.repeat(40), SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), APP_DB_PASSWORD: 'sovereign_app_dev', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with code ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('gateway not ready within 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  const field = (status: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return {
    process: child,
    url,
    memory: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return { rssMiB: field(status, 'VmRSS'), peakMiB: field(status, 'VmHWM') };
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One GraphQL request to a hospital with its access token if it has one, else its API key; throws unless it answered without errors. */
export async function callHospital(url: string, hospital: BenchHospital, query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const credential: Record<string, string> = hospital.token ? { authorization: `Bearer ${hospital.token}` } : { 'x-api-key': hospital.apiKey ?? '' };
  const response = await fetch(`${url}/t/${hospital.slug}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credential },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (!response.ok || body.errors) throw new Error(`${hospital.slug}: ${response.status} ${JSON.stringify(body.errors)}`);
  return body.data ?? {};
}

/** Signs the hospital's bench DOCTOR in with their password (the gateway verifies it with argon2) and keeps the access token. */
export async function signIn(url: string, hospital: BenchHospital): Promise<void> {
  if (!hospital.doctor) throw new Error(`${hospital.slug} has no bench DOCTOR`);
  const data = await callHospital(url, { slug: hospital.slug }, 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }', hospital.doctor);
  hospital.token = (data.login as { token: string }).token;
}

/**
 * A fresh set of hospitals for a gateway benchmark: opens the tenancy core on `url`, migrates, creates
 * `count` hospitals of one mode with an API key each (timed), and closes it again.
 */
export async function prepareHospitals(url: string, options: { count: number; isolation: Isolation; staff?: boolean; env?: Record<string, string> }): Promise<{ hospitals: BenchHospital[]; config: Config }> {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40), DATA_DIR: tmpdir(), LOG_LEVEL: 'silent', ...options.env });
  const tenancy = await openTenancy(config, url);
  try {
    await tenancy.migrate();
    const started = performance.now();
    const hospitals = await createHospitals(tenancy, { count: options.count, isolation: options.isolation, concurrency: 4, apiKeys: true, staff: options.staff });
    console.log(`${options.count} ${options.isolation} hospitals with an API key each created in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { hospitals, config };
  } finally {
    await tenancy.close();
  }
}
