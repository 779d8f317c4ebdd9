import { createServer, type Server } from 'node:http';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { runCli } from '../fixtures/operator-cli';
import { catalogEntry } from '../fixtures/transfer';
import { CreatePatientDocument, CreateUserDocument } from './generated/graphql';

/**
 * A gateway with a broken wall, for proving that verify-isolation notices: a proxy in front of the
 * real gateway that answers a lookup of a patient by id from whichever hospital has it (it keeps the
 * tokens it saw handed out at each hospital's sign-in), as a lookup that ignored the tenant would.
 */
function leakyProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const tokens = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const slug = /^\/t\/([^/]+)\//.exec(req.url ?? '')?.[1];
      const forward = (path: string, authorization?: string) =>
        fetch(`${target}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) } });
      let answer = await forward(req.url ?? '/graphql', req.headers.authorization);
      let text = await answer.text();
      const issued = /"token":"([^"]+)"/.exec(text)?.[1];
      if (slug && issued) tokens.set(slug, `Bearer ${issued}`);
      if (body.includes('patient(id:') && text.includes('"patient":null')) {
        for (const [other, token] of tokens) {
          const retry = await forward(`/t/${other}/graphql`, token);
          const retried = await retry.text();
          if (!retried.includes('"patient":null')) [answer, text] = [retry, retried];
        }
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

describe('verify-isolation against a running gateway', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'wall-east', isolation: 'SHARED' });
    await gw.createTenant({ slug: 'wall-west', isolation: 'DATABASE' });
  });
  afterAll(() => gw.stop());

  async function probesLeft(slug: string): Promise<number> {
    const entry = (await catalogEntry(gw, slug))!;
    const [users] = await ownerQuery<{ n: number }>(`select count(*)::int as n from "${entry.schema_name}".users where email like 'isolation-probe-%'`, [], entry.database_name);
    const [patients] = await ownerQuery<{ n: number }>(`select count(*)::int as n from "${entry.schema_name}".patients where mrn like 'PROBE-%'`, [], entry.database_name);
    return users!.n + patients!.n;
  }

  it('prints every attempt in both directions, finds every one held, exits 0 and removes its probes', async () => {
    const run = await runCli(gw.databaseUrl, ['verify-isolation', '--tenant1', 'wall-east', '--tenant2', 'wall-west', '--url', gw.baseUrl]);
    expect(run.code).toBe(0);
    const lines = run.output.split('\n').filter((l) => /^\s+(held|CROSSED)/.test(l));
    expect(lines).toHaveLength(19);
    expect(lines.every((l) => l.trimStart().startsWith('held'))).toBe(true);
    expect(run.output).toMatch(/wall-east → wall-west: its token at the other hospital’s endpoint lists patients — UNAUTHENTICATED/);
    expect(run.output).toMatch(/wall-west → wall-east: its own endpoint with X-Tenant-ID of the other lists patients — TENANT_MISMATCH/);
    expect(run.output).toMatch(/wall-east → wall-west: reads the other hospital’s patient by id — answered with data/);
    expect(run.output).toMatch(/wall-west → wall-east: updates the other hospital’s patient by id — NOT_FOUND/);
    expect(run.output).toMatch(/wall-west → wall-east: registers a patient with an MRN the other already uses — created/);
    expect(run.output).toContain('19 attempts, 0 crossed');
    expect(await probesLeft('wall-east')).toBe(0);
    expect(await probesLeft('wall-west')).toBe(0);
  });

  it('exits 1 and names the attempt when the gateway hands one hospital’s patient to the other', async () => {
    const proxy = await leakyProxy(gw.baseUrl);
    try {
      const run = await runCli(gw.databaseUrl, ['verify-isolation', '--tenant1', 'wall-east', '--tenant2', 'wall-west', '--url', proxy.url]);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/CROSSED\s+wall-east → wall-west: reads the other hospital’s patient by id/);
      expect(run.output).toMatch(/[1-9]\d* crossed/);
      expect(await probesLeft('wall-east')).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('exits 1 without leaving probes behind when the gateway cannot be reached', async () => {
    const run = await runCli(gw.databaseUrl, ['verify-isolation', '--tenant1', 'wall-east', '--tenant2', 'wall-west', '--url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/could not sign in to wall-east/);
    expect(await probesLeft('wall-east')).toBe(0);
  });

  it('leaves alone a user an ADMIN named like a probe, and the patients they registered', async () => {
    const north = await gw.createTenant({ slug: 'wall-north', isolation: 'SCHEMA' });
    const impostor = { email: 'isolation-probe-x@probe.invalid', password: 'impostor-user-password' };
    const created = await gw.gql(CreateUserDocument, { input: { ...impostor, role: 'ADMIN' } }, north);
    expect(created.data?.createUser.email).toBe(impostor.email);
    const token = await gw.login(impostor.email, impostor.password, north.slug);
    const patient = await gw.gql(CreatePatientDocument, { input: { firstName: 'Real', lastName: 'Patient', birthDate: '1970-01-01', mrn: 'REAL-1' } }, { slug: north.slug, token });
    expect(patient.data?.createPatient.id).toBeDefined();

    const run = await runCli(gw.databaseUrl, ['verify-isolation', '--tenant1', 'wall-north', '--tenant2', 'wall-east', '--url', gw.baseUrl]);
    expect(run.code).toBe(0);
    expect(run.output).not.toMatch(/an earlier run left/);
    const entry = (await catalogEntry(gw, 'wall-north'))!;
    const users = await ownerQuery<{ email: string }>(`select email from "${entry.schema_name}".users where id = $1`, [created.data!.createUser.id], entry.database_name);
    const patients = await ownerQuery<{ mrn: string }>(`select mrn from "${entry.schema_name}".patients where id = $1`, [patient.data!.createPatient.id], entry.database_name);
    expect(users).toEqual([{ email: impostor.email }]);
    expect(patients).toEqual([{ mrn: 'REAL-1' }]);
  });

  it('refuses the same hospital twice and an unknown hospital', async () => {
    expect((await runCli(gw.databaseUrl, ['verify-isolation', '--tenant1', 'wall-east', '--tenant2', 'wall-east', '--url', gw.baseUrl])).code).toBe(2);
    expect((await runCli(gw.databaseUrl, ['verify-isolation', '--tenant1', 'wall-east', '--tenant2', 'nowhere', '--url', gw.baseUrl])).code).toBe(1);
    expect(await probesLeft('wall-east')).toBe(0);
  });
});
