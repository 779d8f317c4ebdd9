import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
/** The instructions of the image's last (runtime) stage. */
const runtime = dockerfile.split(/^FROM /m).pop()!.split('\n').filter((l) => /^[A-Z]+ /.test(l));

/** What the runtime stage's health check runs: the shell-form command after CMD. */
function healthCommand(): string {
  const line = runtime.find((l) => l.startsWith('HEALTHCHECK '));
  const command = /\sCMD\s+(.*)$/.exec(line ?? '')?.[1];
  if (!command || command.startsWith('[')) throw new Error('the runtime stage needs a shell-form HEALTHCHECK CMD');
  return command;
}

describe('Dockerfile runtime stage', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/readyz' ? 200 : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('has what `npx sovereign` needs: package.json and the directory of every bin it names', () => {
    // The names of what the COPY lines take and place (`COPY package.json ./` → package.json, .).
    const copied = runtime.filter((l) => l.startsWith('COPY ')).flatMap((l) => l.split(/\s+/).slice(1).filter((t) => !t.startsWith('--')).map((t) => basename(t)));
    const bins = Object.values((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin);
    expect(copied).toContain('package.json');
    for (const bin of bins) expect(copied).toContain(bin.split('/')[0]);
  });

  it('gives the user it runs as a directory of its own for archives (/app is root\'s)', () => {
    const user = runtime.findIndex((l) => l === 'USER node');
    const creates = runtime.findIndex((l) => /^RUN .*\/app\/exports/.test(l));
    expect(user).toBeGreaterThan(-1);
    expect(creates).toBeGreaterThan(-1);
    expect(creates).toBeLessThan(user);
    expect(runtime[creates]).toMatch(/install -d -o node -g node (-m \d+ )?\/app\/exports/);
  });

  it('checks readiness on the port PORT names, and fails when nothing answers there', async () => {
    const run = (env: Record<string, string>) => promisify(execFile)('/bin/sh', ['-c', healthCommand()], { env: { ...process.env, ...env }, timeout: 10_000 });
    await expect(run({ PORT: String(port) })).resolves.toBeDefined();
    await expect(run({ PORT: '1' })).rejects.toMatchObject({ code: 1 });
  });

  it('runs the gateway with large blocks mapped, not kept in arenas, as `npm start` does, unless the operator sets it', async () => {
    // Each password check (argon2) allocates about 19 MiB; below the threshold glibc keeps it in the thread's arena.
    const image = runtime.find((l) => l.startsWith('ENV MALLOC_MMAP_THRESHOLD_='));
    expect(image).toBe('ENV MALLOC_MMAP_THRESHOLD_=1048576');
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const launch = start.split('&&').pop()!.replace('node dist/src/main.js', `"${process.execPath}" -p process.env.MALLOC_MMAP_THRESHOLD_`);
    const run = async (env: Record<string, string>) => (await promisify(execFile)('/bin/sh', ['-c', launch], { env: { PATH: process.env.PATH ?? '', ...env } })).stdout.trim();
    expect(await run({})).toBe('1048576');
    expect(await run({ MALLOC_MMAP_THRESHOLD_: '4194304' })).toBe('4194304');
  });
});
