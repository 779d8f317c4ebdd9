import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // the process has gone
  }
}

/** The parent of each running process, from /proc. */
function parents(): Map<number, number> {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone since the directory was read
    }
  }
  return parentOf;
}

/** CPU time used so far by a process and all its descendants alive now (a gateway's primary and workers), in milliseconds. */
export function processTreeCpuMs(pid: number): number {
  const parentOf = parents();
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parentOf) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return [...tree].reduce((sum, p) => sum + processCpuMs(p), 0);
}

/** CPU used so far by each PostgreSQL backend connected to a database whose name starts with `prefix`. */
export async function backendCpuMs(owner: Client, prefix: string): Promise<Map<number, number>> {
  const { rows } = await owner.query<{ pid: number }>('select pid from pg_stat_activity where datname like $1 and pid <> pg_backend_pid()', [`${prefix}%`]);
  return new Map(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
}

/** Backend CPU spent between two snapshots (backends that appeared in between count from zero). */
export function backendCpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

export interface Counts {
  statements: number;
  requests: number;
  /** Cluster workers serving (0 for a server without workers). */
  workers: number;
}

/** A server under test, in its own process with the statement counter preloaded. */
export class ServerProcess {
  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /**
   * `nodeArgs`: extra Node options, e.g. `--cpu-prof` to profile a run; `workers`: cluster workers to
   * wait for (a gateway with GATEWAY_WORKERS > 1), beyond the first answer on the port.
   */
  static async start(name: string, script: string, port: number, env: Record<string, string>, nodeArgs: string[] = [], workers = 0): Promise<ServerProcess> {
    // Its output (the gateway's warnings, e.g. slow operations) goes to a log file, not into the figures.
    const log = openSync(join(tmpdir(), `sovereign-bench-${name}.log`), 'w');
    const child = spawn(process.execPath, [...nodeArgs, '--require', join(__dirname, 'count-statements.js'), script], {
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    const server = new ServerProcess(name, port, child);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} during start-up; see ${join(tmpdir(), `sovereign-bench-${name}.log`)}`);
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (up && (workers === 0 || (await server.counts()).workers >= workers)) return server;
      if (Date.now() > deadline) throw new Error(`${name} did not start`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** CPU of the server's whole process tree (with several gateway workers: the primary and every worker). */
  cpuMs(): number {
    return processTreeCpuMs(this.pid);
  }

  /** Statements and requests so far, summed over the server's processes (see count-statements.ts). */
  counts(): Promise<Counts> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (m: Counts & { error?: string }) => (m.error ? reject(new Error(`${this.name}: ${m.error}`)) : resolve(m)));
      this.child.send('counts');
    });
  }

  /** Asks the process to exit (profiles given by `--cpu-prof` are written), then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send('exit');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (this.child.exitCode === null) {
      console.warn(`${this.name} did not stop within 10 s; killed`);
      this.child.kill('SIGKILL');
    }
  }
}
