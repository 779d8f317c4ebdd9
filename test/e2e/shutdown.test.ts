import { drainOnEmbedded, drainUpdate, expectDrained, GRACEFUL_STOPS } from '../fixtures/drain';
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
    await drainOnEmbedded({}, terminal, async (gw, databaseUrl) => {
      expect(await gw.waitForLog((l) => l.msg.startsWith('Sovereign listening'))).toMatchObject({ database: 'embedded' });
      expectDrained(await drainUpdate(gw, { databaseUrl, slug: 'drain-embedded', holdMs: 1_000, ...stop }));
    });
  }, 180_000);
});
