import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { drainUpdate, expectDrained, GRACEFUL_STOPS } from '../fixtures/drain';
import { freePort } from '../fixtures/embedded-server';
import { GatewayProcess } from '../fixtures/gateway-process';

/**
 * A stop signal to the built gateway (one process, as `npm start` runs it) while a request is in
 * flight: the test holds a row lock that the request's update waits for, signals the gateway (or
 * closes the terminal it runs in), then releases the lock. The request is answered as if nothing had
 * happened, and the process exits 0.
 */
describe('graceful shutdown', () => {
  it('answers a request still running 11 s after SIGTERM, within its deadline (the grace period follows REQUEST_DEADLINE_MS)', async () => {
    // The statement timeout is raised so that only the deadline could cut the wait for the lock.
    const gw = await GatewayProcess.start({ REQUEST_DEADLINE_MS: '15000', STATEMENT_TIMEOUT_MS: '15000' });
    try {
      expectDrained(await drainUpdate(gw, { databaseUrl: gw.databaseUrl, slug: 'drain-long', holdMs: 11_000, stop: (g) => g.signal('SIGTERM') }));
    } finally {
      await gw.stop();
    }
  }, 120_000);

  it.each(GRACEFUL_STOPS)('with the embedded database, on %s drains the request in flight before stopping the database, and exits 0', async (_name, { terminal, ...stop }) => {
    const pgPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'sovereign-shutdown-'));
    chmodSync(dataDir, 0o755); // run as root, the embedded server runs as a user of its own that must reach DATA_DIR/pg
    const gw = await GatewayProcess.start({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }, null, { terminal });
    try {
      expect(await gw.waitForLog((l) => l.msg.startsWith('Sovereign listening'))).toMatchObject({ database: 'embedded' });
      expectDrained(await drainUpdate(gw, { databaseUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/sovereign`, slug: 'drain-embedded', holdMs: 1_000, ...stop }));
    } finally {
      await gw.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const embedded = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres` });
    await expect(embedded.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 180_000);
});
