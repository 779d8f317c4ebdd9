import { randomUUID } from 'node:crypto';
import { LoginDocument, MeDocument, RequestDemoDocument, ResumeTenantDocument, SuspendTenantDocument } from './generated/graphql';
import { drainOnEmbedded, drainUpdate, expectDrained, GRACEFUL_STOPS } from '../fixtures/drain';
import { childrenOf, GatewayProcess } from '../fixtures/gateway-process';
import { ADMIN, errorCode, STAFF_PASSWORD, type GqlResult } from '../fixtures/gateway';
import { withinASecond } from '../fixtures/within';

/**
 * The built gateway with GATEWAY_WORKERS=2 and no Redis, as its own process: a primary and two workers
 * sharing the port. Which worker answered a request is read from its request log line (each worker
 * logs its process id); every request goes over a fresh connection, and the primary deals new
 * connections to the workers in turn.
 */
describe('a gateway with two worker processes and no Redis', () => {
  let gw: GatewayProcess;
  let hospital: { id: string; slug: string; token: string };
  let platformToken: string;

  beforeAll(async () => {
    gw = await GatewayProcess.start({ GATEWAY_WORKERS: '2', RATE_LIMIT_MULTIPLIER: '0', DEMO_REQUESTS_PER_HOUR: '2' });
    hospital = await gw.createTenant({ slug: 'two-workers' });
    platformToken = await gw.platformToken();
  }, 240_000);
  afterAll(() => gw?.stop());

  /** Sends `call` with a request id of its own; returns the answer and the process id of the worker that logged it. */
  async function traced<T>(call: (headers: Record<string, string>) => Promise<GqlResult<T>>): Promise<{ result: GqlResult<T>; pid: number }> {
    const requestId = randomUUID();
    const result = await call({ 'x-request-id': requestId });
    return { result, pid: await gw.answeredBy(requestId) };
  }

  const me = (token: string, slug?: string) => traced((headers) => gw.gql(MeDocument, {}, { token, slug, headers }));

  /** Requests `call` until `pids` have all answered it (or `limit` requests); returns who answered. */
  async function untilAnsweredBy(pids: number[], call: () => Promise<{ pid: number }>, limit = 20): Promise<Set<number>> {
    const seen = new Set<number>();
    for (let n = 0; n < limit && !pids.every((p) => seen.has(p)); n += 1) seen.add((await call()).pid);
    return seen;
  }

  function workerPids(): number[] {
    const started = gw.lines.filter((l) => l.msg === 'gateway worker started').map((l) => l.workerPid as number);
    const gone = new Set(gw.lines.filter((l) => l.msg === 'gateway worker exited; replacing it').map((l) => l.workerPid as number));
    return started.filter((pid) => !gone.has(pid));
  }

  it('answers requests from both workers, never from the primary', async () => {
    const pids = new Set<number>();
    for (let n = 0; n < 6; n += 1) {
      const { result, pid } = await me(platformToken);
      expect(result.errors).toBeUndefined();
      pids.add(pid);
    }
    expect(pids.size).toBe(2);
    expect([...pids].sort()).toEqual(workerPids().sort());
    expect(pids.has(gw.pid)).toBe(false);
  });

  it('serves /metrics for the whole gateway, whichever worker is asked', async () => {
    const requestsOf = (text: string) => Number(/^sovereign_graphql_requests_total\{tenant="platform",operation="me",type="query",outcome="success"\} (\d+)$/m.exec(text)?.[1]);
    const before = requestsOf((await gw.get('/metrics')).text);
    const pids = new Set<number>();
    for (let n = 0; n < 4; n += 1) pids.add((await me(platformToken)).pid);
    expect(pids.size).toBe(2);
    // Two scrapes in a row on fresh connections reach both workers; each counts the requests of both.
    for (let n = 0; n < 2; n += 1) {
      const { text: scrape } = await gw.get('/metrics');
      expect(requestsOf(scrape)).toBe(before + 4);
      expect(scrape).toMatch(/^sovereign_db_pool_size 10$/m); // a per-worker setting, not summed
    }
  });

  it('fails a scrape (503) rather than sum part of the gateway when a worker does not report its metrics', async () => {
    const [stopped] = workerPids();
    process.kill(stopped!, 'SIGSTOP');
    // Two scrapes at once: at least one reaches the worker still running (the stopped one cannot take any).
    const scrapes = [gw.get('/metrics'), gw.get('/metrics')];
    try {
      const first = await Promise.race(scrapes);
      expect(first.status).toBe(503);
      expect(JSON.parse(first.text)).toEqual({ error: 'metrics unavailable', reason: '1 worker(s) did not report their metrics within 5000 ms' });
    } finally {
      process.kill(stopped!, 'SIGCONT');
      await Promise.allSettled(scrapes);
    }
    expect((await gw.get('/metrics')).status).toBe(200);
  });

  it('locks a hospital user out after the failed sign-ins made through both workers together', async () => {
    const email = `admin@${hospital.slug}.test`;
    const attempt = () => traced((headers) => gw.gql(LoginDocument, { email, password: 'not the password' }, { slug: hospital.slug, headers }));
    const pids = new Set<number>();
    for (let n = 0; n < 5; n += 1) {
      const { result, pid } = await attempt();
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      pids.add(pid);
    }
    expect(pids.size).toBe(2); // each worker saw fewer failures than the limit of 5
    const refusedBy = new Set<number>();
    for (let n = 0; n < 2; n += 1) {
      const { result, pid } = await attempt();
      expect(errorCode(result)).toBe('RATE_LIMITED');
      refusedBy.add(pid);
    }
    expect(refusedBy.size).toBe(2);
    const right = await gw.gql(LoginDocument, { email, password: STAFF_PASSWORD }, { slug: hospital.slug });
    expect(errorCode(right)).toBe('RATE_LIMITED'); // locked, even with the right password
  });

  it('holds the demo-request limit over both workers together', async () => {
    const ask = (n: number) => traced((headers) => gw.gql(RequestDemoDocument, { input: { hospitalName: `H${n}`, contactName: 'C', email: `c${n}@example.org` } }, { headers }));
    const allowed = [await ask(1), await ask(2)];
    expect(allowed.map((a) => a.result.errors)).toEqual([undefined, undefined]);
    const refused = [await ask(3), await ask(4)];
    expect(refused.map((r) => errorCode(r.result))).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(new Set(refused.map((r) => r.pid)).size).toBe(2);
  });

  it('honours within a second, on the other worker, a suspension and a resumption made through one', async () => {
    const pids = workerPids();
    expect(await untilAnsweredBy(pids, () => me(hospital.token, hospital.slug))).toEqual(new Set(pids)); // cached by both

    const suspended = await traced((headers) => gw.gql(SuspendTenantDocument, { slug: hospital.slug }, { token: platformToken, headers }));
    expect(suspended.result.errors).toBeUndefined();
    // Refused requests write no request log line; two requests in a row on fresh connections reach both workers.
    const refused = await withinASecond(async () => {
      const pair = [await gw.gql(MeDocument, {}, hospital), await gw.gql(MeDocument, {}, hospital)];
      return pair.every((r) => errorCode(r) === 'TENANT_SUSPENDED');
    });
    expect(refused).toBe(true);

    const resumed = await traced((headers) => gw.gql(ResumeTenantDocument, { slug: hospital.slug }, { token: platformToken, headers }));
    expect(resumed.result.errors).toBeUndefined();
    // The worker that did not resume it had the suspended entry cached: only the relayed drop lets it serve again.
    const servedBy = new Set<number>();
    const served = await withinASecond(async () => {
      const { result, pid } = await me(hospital.token, hospital.slug);
      if (!result.errors) servedBy.add(pid);
      return servedBy.size === 2;
    });
    expect(served).toBe(true);
    expect(servedBy).toEqual(new Set(pids));
  });

  it('replaces a worker that dies, and the new one serves', async () => {
    const known = workerPids();
    const [victim, survivor] = known;
    process.kill(victim!, 'SIGKILL');
    const exit = await gw.waitForLog((l) => l.msg === 'gateway worker exited; replacing it' && l.workerPid === victim);
    expect(exit).toMatchObject({ role: 'primary', signal: 'SIGKILL' });
    const serving = await gw.waitForLog((l) => l.msg === 'gateway worker serving' && !known.includes(l.workerPid as number), 60_000);
    const replacement = serving.workerPid as number;
    expect(workerPids().sort()).toEqual([replacement, survivor!].sort());
    expect(await untilAnsweredBy([replacement, survivor!], () => me(platformToken))).toEqual(new Set([replacement, survivor]));
  });

  it('keeps exactly two workers while workers keep dying: each death is replaced once', async () => {
    for (let round = 0; round < 3; round += 1) {
      const everStarted = gw.lines.filter((l) => l.msg === 'gateway worker started').map((l) => l.workerPid as number);
      const victim = workerPids()[round % 2]!;
      process.kill(victim, 'SIGKILL');
      await gw.waitForLog((l) => l.msg === 'gateway worker exited; replacing it' && l.workerPid === victim);
      await gw.waitForLog((l) => l.msg === 'gateway worker serving' && !everStarted.includes(l.workerPid as number), 60_000);
      expect(gw.lines.filter((l) => l.msg === 'gateway worker exited; replacing it' && l.workerPid === victim)).toHaveLength(1);
      expect(gw.lines.filter((l) => l.msg === 'gateway worker started')).toHaveLength(everStarted.length + 1);
    }
    expect(childrenOf(gw.pid).sort()).toEqual(workerPids().sort());
    expect(childrenOf(gw.pid)).toHaveLength(2);
  }, 120_000);

  it('drains the request in flight on SIGTERM in the primary and both workers, then exits 0 within 10 s', async () => {
    const draining = 'draining and shutting down';
    const live = workerPids();
    const drained = await drainUpdate(gw, {
      databaseUrl: gw.databaseUrl,
      slug: 'drain-two-workers',
      holdMs: 0, // the lock is released as soon as the primary and every worker have said they drain
      stop: (g) => g.signal('SIGTERM'),
      draining: async (g) => {
        await g.waitForLog((l) => l.role === 'primary' && l.msg === draining);
        for (const pid of workerPids()) await g.waitForLog((l) => l.pid === pid && l.msg === draining);
      },
    });
    expectDrained(drained);
    expect(drained.exitedAfterMs).toBeLessThan(10_000);
    // The primary logs each worker it stopped, as it logs each one started and serving.
    const exited = gw.lines.filter((l) => l.role === 'primary' && l.msg === 'gateway worker exited').map((l) => l.workerPid as number);
    expect(exited.sort()).toEqual([...live].sort());
  });
});

describe('a gateway with several workers', () => {
  it.each(GRACEFUL_STOPS)('starts the embedded database in its primary for its workers; on %s drains the request in flight, then stops the database after them', async (_name, { terminal, ...stop }) => {
    await drainOnEmbedded({ GATEWAY_WORKERS: '2', RATE_LIMIT_MULTIPLIER: '0' }, terminal, async (gw, databaseUrl) => {
      expect(await gw.waitForLog((l) => l.msg.startsWith('Sovereign listening'))).toMatchObject({ role: 'primary', database: 'embedded', workers: 2 });
      const pids = new Set<number>();
      for (let n = 0; n < 4; n += 1) {
        const requestId = randomUUID();
        const signedIn = await gw.gql(LoginDocument, ADMIN, { headers: { 'x-request-id': requestId } });
        expect(signedIn.data?.login.token).toBeTruthy();
        pids.add(await gw.answeredBy(requestId));
      }
      expect(pids.size).toBe(2);
      expectDrained(await drainUpdate(gw, { databaseUrl, slug: 'drain-workers', holdMs: 1_000, ...stop }));
    });
  }, 180_000);

  it('refuses to start without Redis while request rate limits are on, saying how to fix it', async () => {
    const gw = await GatewayProcess.spawn({ GATEWAY_WORKERS: '2' });
    expect(await gw.exited).toEqual({ code: 1, signal: null });
    expect(gw.stderr).toContain('Configuration error: GATEWAY_WORKERS=2 needs REDIS_URL');
    expect(gw.stderr).toContain('RATE_LIMIT_MULTIPLIER=0');
    expect(gw.stderr).not.toMatch(/\bat \w+ \(/); // a message, not a stack trace
  }, 120_000);
});
