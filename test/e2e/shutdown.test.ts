import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CreatePatientDocument, UpdatePatientDocument } from './generated/graphql';
import { freePort } from '../fixtures/embedded-server';
import { GatewayProcess } from '../fixtures/gateway-process';

/**
 * SIGTERM to the built gateway (one process, as `npm start` runs it) while a request is in flight:
 * the test holds a row lock that the request's update waits for, signals the gateway, then releases
 * the lock. The request is answered as if nothing had happened, and the process exits 0.
 */
describe('graceful shutdown', () => {
  /**
   * Creates a hospital and a patient through `gw`, holds the patient's row lock through `databaseUrl`
   * (owner credentials) while an update of it runs, sends SIGTERM, releases the lock once `holdMs`
   * have passed since the signal, and returns the update's answer and the process's exit.
   */
  async function drainUpdate(gw: GatewayProcess, databaseUrl: string, slug: string, holdMs: number) {
    const hospital = await gw.createTenant({ slug });
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'Ada', lastName: 'Draining', birthDate: '1980-01-01' } }, hospital);
    const patientId = created.data!.createPatient.id;
    const locker = new Client({ connectionString: databaseUrl });
    const watcher = new Client({ connectionString: databaseUrl });
    // A database stopped under them ends their connections: let that fail the test below, not crash it.
    for (const client of [locker, watcher]) client.on('error', () => undefined);
    await locker.connect();
    await watcher.connect();
    try {
      await locker.query('begin');
      await locker.query('select id from tenants_shared.patients where id = $1 for update', [patientId]);
      const update = gw.gql(UpdatePatientDocument, { id: patientId, input: { lastName: 'Drained' } }, hospital);
      await untilWaitingOnLock(watcher, new URL(databaseUrl).pathname.slice(1));

      const signalled = Date.now();
      gw.signal('SIGTERM');
      await gw.waitForLog((l) => l.msg === 'draining and shutting down');
      await new Promise((r) => setTimeout(r, holdMs - (Date.now() - signalled)));
      await locker.query('commit');
      return { answer: await update, exit: await gw.exited };
    } finally {
      await Promise.allSettled([locker.end(), watcher.end()]);
    }
  }

  /** The update was answered as if nothing had happened, and the process exited 0. */
  function expectDrained({ answer, exit }: Awaited<ReturnType<typeof drainUpdate>>): void {
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.updatePatient.lastName).toBe('Drained');
    expect(exit).toEqual({ code: 0, signal: null });
  }

  it('answers a request still running 11 s after SIGTERM, within its deadline (the grace period follows REQUEST_DEADLINE_MS)', async () => {
    // The statement timeout is raised so that only the deadline could cut the wait for the lock.
    const gw = await GatewayProcess.start({ REQUEST_DEADLINE_MS: '15000', STATEMENT_TIMEOUT_MS: '15000' });
    try {
      expectDrained(await drainUpdate(gw, gw.databaseUrl, 'drain-long', 11_000));
    } finally {
      await gw.stop();
    }
  }, 120_000);

  it('with the embedded database, drains the request in flight before stopping the database, and exits 0', async () => {
    const pgPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'sovereign-shutdown-'));
    chmodSync(dataDir, 0o755); // run as root, the embedded server runs as a user of its own that must reach DATA_DIR/pg
    const gw = await GatewayProcess.start({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }, null);
    try {
      expect(await gw.waitForLog((l) => l.msg.startsWith('Sovereign listening'))).toMatchObject({ database: 'embedded' });
      expectDrained(await drainUpdate(gw, `postgres://postgres:postgres@127.0.0.1:${pgPort}/sovereign`, 'drain-embedded', 1_000));
    } finally {
      await gw.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const embedded = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres` });
    await expect(embedded.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 180_000);
});

/** Waits until a runtime connection of `database` waits for a lock (the request in flight is stuck behind the test's lock). */
async function untilWaitingOnLock(watcher: Client, database: string): Promise<void> {
  for (let n = 0; n < 500; n += 1) {
    const { rowCount } = await watcher.query("select 1 from pg_stat_activity where datname = $1 and usename = 'sovereign_app' and wait_event_type = 'Lock'", [database]);
    if (rowCount) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the request never reached the lock');
}
