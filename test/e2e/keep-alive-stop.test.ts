import http from 'node:http';
import { TestGateway } from '../fixtures/gateway';

/** What happened to each request of clients that keep sending on keep-alive connections while the gateway stops. */
interface Outcome {
  answered: number;
  /** Sent on a connection the gateway closed under it: lost, as no client retries a POST. */
  reset: number;
  /** Refused a new connection: the gateway no longer listens, and a client goes elsewhere. */
  refused: number;
}

/**
 * `clients` loops, each sending `{ __typename }` on a shared keep-alive agent; once `stopAfter` requests
 * were answered (every connection open and in use, however slow the machine), `stop` runs, and the loops
 * go on until it has finished.
 */
async function keepSending(baseUrl: string, clients: number, stopAfter: number, stop: () => Promise<void>): Promise<Outcome> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const outcome: Outcome = { answered: 0, reset: 0, refused: 0 };
  let done = false;
  let stopping: Promise<void> | undefined;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.request(`${baseUrl}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) outcome.answered += 1;
          if (outcome.answered >= stopAfter) stopping ??= stop().finally(() => (done = true));
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') outcome.refused += 1;
        else outcome.reset += 1;
        resolve();
      });
      req.end(JSON.stringify({ query: '{ __typename }' }));
    });
  await Promise.all(Array.from({ length: clients }, async () => {
    while (!done) await one();
  }));
  await stopping;
  agent.destroy();
  return outcome;
}

describe('stopping with keep-alive clients sending', () => {
  it('loses no request: open connections get a last call, answered with Connection: close, before they are closed', async () => {
    const gw = await TestGateway.start({ RATE_LIMIT_MULTIPLIER: '0' });
    const outcome = await keepSending(gw.baseUrl, 16, 64, () => gw.stop());
    expect(outcome.answered).toBeGreaterThanOrEqual(64);
    expect(outcome.refused).toBeGreaterThan(0);
    expect(outcome.reset).toBe(0);
  }, 60_000);

  it('answers a request the app answers at once (a health check) during the last call with Connection: close, and goes on stopping', async () => {
    const gw = await TestGateway.start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        http.get(`${gw.baseUrl}/healthz`, { agent }, (res) => res.resume().on('end', () => resolve(res))).on('error', reject);
      });
    try {
      expect((await get()).headers.connection).toBe('keep-alive');
      const stopped = gw.stop();
      const last = await get();
      expect(last.statusCode).toBe(200);
      expect(last.headers.connection).toBe('close');
      await stopped;
    } finally {
      agent.destroy();
    }
  }, 60_000);
});
