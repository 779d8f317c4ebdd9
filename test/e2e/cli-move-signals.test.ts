import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Isolation } from '../../src/tenancy';
import { derivePlacement } from '../../src/tenancy/placement';
import { runCli } from '../fixtures/cli';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { TEST_GATEWAY_ENV, TestGateway } from '../fixtures/gateway';
import { buildGateway } from '../fixtures/gateway-process';
import { untilWaitingOnLock } from '../fixtures/locks';
import { catalogEntry, dbName, dumpHospital, rowsLeft, seedHospital } from '../fixtures/transfer';

const ROOT = join(__dirname, '..', '..');

/**
 * The built `sovereign move-tenant` as its own process, stopped while it waits for the hospital's
 * final hold (a request in flight holds it): by Ctrl-C, which undoes the move, and by kill -9, after
 * which the purge of the deleted hospital settles the move and leaves no copy behind.
 */
describe('sovereign move-tenant ended by a signal', () => {
  let gw: TestGateway;
  let n = 0;

  beforeAll(async () => {
    await buildGateway();
    gw = await TestGateway.start();
  }, 180_000);
  afterAll(() => gw.stop());

  async function movingWhileHeld(to: Isolation) {
    const hospital = await gw.createTenant({ slug: `signalled-${(n += 1)}`, isolation: 'SCHEMA' });
    await seedHospital(gw, hospital, 3);
    const before = (await catalogEntry(gw, hospital.slug))!;
    const data = await dumpHospital(gw, hospital.slug);
    const busy = gw.tenancy.session((await gw.tenancy.store.bySlug(hospital.slug))!);
    await busy.em();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'index.js'), 'move-tenant', hospital.slug, '--to', to, '--hold-timeout', '60000'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...TEST_GATEWAY_ENV, DATABASE_URL: gw.databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.resume();
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let ended = false;
    void exited.then(() => (ended = true));
    await untilWaitingOnLock(testServerUrl(), dbName(gw), () => ended);
    return { hospital, before, data, busy, child: child as ChildProcess, exited, stderr: () => stderr };
  }

  it('undoes the move on Ctrl-C and exits 130, leaving nothing behind', async () => {
    const { hospital, before, data, busy, child, exited, stderr } = await movingWhileHeld(Isolation.DATABASE);
    child.kill('SIGINT');
    await busy.end(true);
    const [code] = await exited;
    expect(code).toBe(130);
    expect(stderr()).toContain(`stopped by SIGINT: the move was undone; ${hospital.slug} stays where it was (SCHEMA on main)`);
    expect(await catalogEntry(gw, hospital.slug)).toEqual(before);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(data);
    expect(await ownerQuery('select 1 from pg_database where datname like $1', [`${derivePlacement(Isolation.DATABASE, before.id, dbName(gw)).database}%`])).toHaveLength(0);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [before.id], dbName(gw))).toHaveLength(0);
  });

  it('after kill -9, refuses the purge while the move may still be alive, then settles it and leaves no copy', async () => {
    const { hospital, before, busy, child, exited } = await movingWhileHeld(Isolation.SHARED);
    child.kill('SIGKILL');
    await exited;
    await busy.end(true);
    expect(await rowsLeft(dbName(gw), 'tenants_shared', before.id)).toBeGreaterThan(0);
    await gw.tenancy.lifecycle.softDelete(hospital.slug);

    const refused = await runCli(gw.databaseUrl, ['purge-tenant', hospital.slug, '--force']);
    expect({ code: refused.code, stderr: refused.stderr.trim() }).toEqual({ code: 1, stderr: `CONFLICT: A move of "${hospital.slug}" is under way; try again once it has ended` });

    // Ten minutes later its record has stopped beating for good.
    await ownerQuery("update catalog.tenant_transfers set heartbeat_at = heartbeat_at - interval '10 minutes' where tenant_id = $1", [before.id], dbName(gw));
    const purged = await runCli(gw.databaseUrl, ['purge-tenant', hospital.slug, '--force']);
    expect({ code: purged.code, stderr: purged.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await rowsLeft(dbName(gw), 'tenants_shared', before.id)).toBe(0);
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [before.schema_name], dbName(gw))).toHaveLength(0);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [before.id], dbName(gw))).toHaveLength(0);
  });
});
