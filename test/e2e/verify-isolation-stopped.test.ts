import { createServer, type Server } from 'node:http';
import { CliProcess } from '../fixtures/cli-process';
import { buildGateway } from '../fixtures/gateway-process';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { runCli } from '../fixtures/operator-cli';
import { catalogEntry } from '../fixtures/transfer';

/**
 * A proxy in front of the gateway that passes everything on but never answers the second patient
 * registration: a verify-isolation run through it stops there with a probe (and its patient) in one
 * hospital and a probe in the other.
 */
function stallingProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  let registrations = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body.includes('createPatient') && ++registrations >= 2) return;
      const headers = { 'content-type': 'application/json', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
      const answer = await fetch(`${target}${req.url}`, { method: 'POST', body, headers });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
  });
  return new Promise((resolve) =>
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) });
    }),
  );
}

describe('verify-isolation stopped in the middle', () => {
  let gw: TestGateway;
  const args = (url: string) => ['verify-isolation', '--tenant1', 'stop-east', '--tenant2', 'stop-west', '--url', url];

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'stop-east', isolation: 'SCHEMA' });
    await gw.createTenant({ slug: 'stop-west', isolation: 'DATABASE' });
  }, 60_000);
  // The CLI runs from dist/: built once, before the tests that start it.
  beforeAll(() => buildGateway(), 300_000);
  afterAll(() => gw.stop());

  async function probesIn(slug: string): Promise<{ users: number; patients: number }> {
    const entry = (await catalogEntry(gw, slug))!;
    const [users] = await ownerQuery<{ n: number }>(`select count(*)::int as n from "${entry.schema_name}".users where email like 'isolation-probe-%'`, [], entry.database_name);
    const [patients] = await ownerQuery<{ n: number }>(`select count(*)::int as n from "${entry.schema_name}".patients where mrn like 'PROBE-%'`, [], entry.database_name);
    return { users: users!.n, patients: patients!.n };
  }

  /** A run through the stalling proxy, once it holds its probes in both hospitals and a patient in the first. */
  async function stalledRun(): Promise<{ cli: CliProcess; close(): Promise<void> }> {
    const proxy = await stallingProxy(gw.baseUrl);
    const cli = await CliProcess.spawn(gw.databaseUrl, args(proxy.url));
    await cli.until(async () => (await probesIn('stop-east')).patients === 1 && (await probesIn('stop-west')).users === 1, 'its probes');
    return { cli, close: proxy.close };
  }

  it.each(['SIGINT', 'SIGTERM'] as const)('removes its probe users and patients when stopped by %s', async (signal) => {
    const { cli, close } = await stalledRun();
    try {
      expect(await cli.stop(signal)).toEqual({ code: null, signal });
    } finally {
      await close();
    }
    expect(await probesIn('stop-east')).toEqual({ users: 0, patients: 0 });
    expect(await probesIn('stop-west')).toEqual({ users: 0, patients: 0 });
  });

  it('leaves alone the probes of a run still under way, and removes those of a run killed outright first', async () => {
    const { cli, close } = await stalledRun();
    try {
      const beside = await runCli(gw.databaseUrl, args(gw.baseUrl));
      expect(beside.code).toBe(0);
      expect(beside.output).not.toMatch(/an earlier run left/);
      expect(await probesIn('stop-east')).toEqual({ users: 1, patients: 1 });
      expect(await cli.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      await close();
    }
    expect(await probesIn('stop-west')).toEqual({ users: 1, patients: 0 });

    const next = await runCli(gw.databaseUrl, args(gw.baseUrl));
    expect(next.code).toBe(0);
    expect(next.output).toContain('removed 1 probe(s) an earlier run left in stop-east');
    expect(next.output).toContain('removed 1 probe(s) an earlier run left in stop-west');
    expect(await probesIn('stop-east')).toEqual({ users: 0, patients: 0 });
    expect(await probesIn('stop-west')).toEqual({ users: 0, patients: 0 });
  });
});
