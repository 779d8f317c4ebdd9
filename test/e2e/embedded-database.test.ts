import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fixtures/embedded-server';
import { TEST_GATEWAY_ENV } from '../fixtures/gateway';
import { buildGateway, GatewayProcess } from '../fixtures/gateway-process';

const ROOT = join(__dirname, '..', '..');

/** A new DATA_DIR (as root, the embedded server runs as a user of its own that must reach DATA_DIR/pg). */
function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sovereign-embedded-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** Runs a built script (`main.js`, `cli/index.js`) of dist/src to its end with the test environment plus `env`, without DATABASE_URL. */
async function runBuilt(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  await buildGateway();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...TEST_GATEWAY_ENV, PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * The embedded PostgreSQL under DATA_DIR (no DATABASE_URL), as `npm start` runs it: the operator CLI
 * beside a running gateway, and start-up failures said in one line.
 */
describe('the embedded database', () => {
  const dataDir = newDataDir();
  let pgPort: number;
  let gw: GatewayProcess;
  const env = () => ({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) });

  beforeAll(async () => {
    pgPort = await freePort();
    gw = await GatewayProcess.start(env(), null);
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves `sovereign list-tenants` run beside the gateway from the gateway’s server, and leaves that server running', async () => {
    await gw.createTenant({ slug: 'beside-the-gateway' });
    const listed = await runBuilt(join('cli', 'index.js'), ['list-tenants'], env());
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(listed.stdout).toContain('beside-the-gateway');
    expect((await gw.get('/readyz')).status).toBe(200);
    await gw.createTenant({ slug: 'after-the-command' });
  }, 120_000);

  it('refuses a second gateway on the same DATA_DIR in one line naming the running server’s pid, and the first keeps serving', async () => {
    const pid = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const second = await runBuilt('main.js', [], env());
    expect({ code: second.code, stderr: second.stderr.trimEnd().split('\n') }).toEqual({
      code: 1,
      stderr: [
        `The embedded PostgreSQL's data directory ${join(dataDir, 'pg')} is in use by a running server (pid ${pid}, port ${pgPort}): another gateway or command started it with this DATA_DIR and stops it when it ends; stop that one first, or give this gateway a DATA_DIR of its own`,
      ],
    });
    expect((await gw.get('/readyz')).status).toBe(200);
  }, 120_000);

  it('refuses a gateway whose EMBEDDED_PG_PORT another server listens on, in one line naming the port', async () => {
    const dir = newDataDir();
    try {
      const result = await runBuilt('main.js', [], { DATA_DIR: dir, EMBEDDED_PG_PORT: String(pgPort) });
      expect({ code: result.code, stderr: result.stderr.trimEnd().split('\n') }).toEqual({
        code: 1,
        stderr: [`The embedded PostgreSQL could not start: port ${pgPort} on 127.0.0.1 (EMBEDDED_PG_PORT) is in use by another process; stop it, or set EMBEDDED_PG_PORT to a free port`],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('says why PostgreSQL would not start in one line of its own log', async () => {
    await gw.stop();
    chmodSync(join(dataDir, 'pg'), 0o777);
    const result = await runBuilt('main.js', [], env());
    expect({ code: result.code, stderr: result.stderr.trimEnd().split('\n') }).toEqual({
      code: 1,
      stderr: [
        `The embedded PostgreSQL under ${join(dataDir, 'pg')} could not start: FATAL: data directory "${join(dataDir, 'pg')}" has invalid permissions / DETAIL: Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).`,
      ],
    });
  }, 120_000);
});
