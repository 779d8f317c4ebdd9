import { Client } from 'pg';
import { Isolation } from '../../src/tenancy';
import { Tenant } from '../../src/tenancy/catalog';
import { derivePlacement } from '../../src/tenancy/placement';
import { PatientsDocument } from './generated/graphql';
import { runCli } from '../fixtures/cli';
import { CliProcess } from '../fixtures/cli-process';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { buildGateway } from '../fixtures/gateway-process';
import { untilWaitingOnLock } from '../fixtures/locks';
import { catalogEntry, dbName, dumpHospital, rowsLeft, seedHospital } from '../fixtures/transfer';

/**
 * The built `sovereign move-tenant` as a process of its own, ended by a signal while it waits for the
 * hospital's final hold (a request in flight holds it): a stop signal undoes the move before the
 * process ends by it, and no other move or purge takes the move for dead meanwhile; a second one ends
 * it at once, its record left for the next move to settle; after kill -9 the purge of the deleted
 * hospital settles the move at once and leaves no copy behind; a signal after the switch changes nothing.
 */
describe('sovereign move-tenant ended by a signal', () => {
  let gw: TestGateway;
  let n = 0;

  beforeAll(async () => {
    await buildGateway();
    gw = await TestGateway.start();
  }, 180_000);
  afterAll(() => gw.stop());

  const claims = (id: string) => ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [id], dbName(gw));
  const heard = (cli: CliProcess, signal: NodeJS.Signals) => cli.until(async () => cli.output.includes(`${signal}: cleaning up before stopping`), `${signal} heard`);

  /** A hospital whose move waits for its final hold, held by a request in flight until `busy.end`. */
  async function movingWhileHeld(to: Isolation, holdTimeout = '60000') {
    const hospital = await gw.createTenant({ slug: `signalled-${(n += 1)}`, isolation: 'SCHEMA' });
    await seedHospital(gw, hospital, 3);
    const before = (await catalogEntry(gw, hospital.slug))!;
    const data = await dumpHospital(gw, hospital.slug);
    const busy = gw.tenancy.session((await gw.tenancy.store.bySlug(hospital.slug))!);
    await busy.em();
    const cli = await CliProcess.spawn(gw.databaseUrl, ['move-tenant', hospital.slug, '--to', to, '--hold-timeout', holdTimeout]);
    let ended = false;
    void cli.exit().then(() => (ended = true));
    await untilWaitingOnLock(testServerUrl(), dbName(gw), () => ended);
    return { hospital, before, data, busy, cli };
  }

  async function expectNothingLeft({ hospital, before, data }: Awaited<ReturnType<typeof movingWhileHeld>>) {
    expect(await catalogEntry(gw, hospital.slug)).toEqual(before);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(data);
    expect(await ownerQuery('select 1 from pg_database where datname like $1', [`${derivePlacement(Isolation.DATABASE, before.id, dbName(gw)).database}%`])).toHaveLength(0);
    expect(await claims(before.id)).toHaveLength(0);
    expect(await ownerQuery(`select 1 from "${before.schema_name}".placement_fences`, [], dbName(gw))).toHaveLength(0);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
  }

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('undoes the move on %s, then ends by it, leaving nothing behind', async (signal) => {
    const moving = await movingWhileHeld(Isolation.DATABASE);
    const stopped = moving.cli.stop(signal);
    await heard(moving.cli, signal);
    await moving.busy.end(true);
    expect(await stopped).toEqual({ code: null, signal });
    expect(moving.cli.output).toContain(`stopped by ${signal}: the move was undone; ${moving.hospital.slug} stays where it was (SCHEMA on main)`);
    await expectNothingLeft(moving);
  });

  it('keeps its record live while it undoes itself after a first signal: another move and a purge are refused, and its data stays', async () => {
    const moving = await movingWhileHeld(Isolation.DATABASE);
    const stopped = moving.cli.stop('SIGINT');
    await heard(moving.cli, 'SIGINT');
    await expect(gw.tenancy.transfer.move(moving.hospital.slug, Isolation.SHARED, { holdTimeoutMs: 500 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `A move of "${moving.hospital.slug}" is under way; try again once it has ended`,
    });
    await expect(gw.tenancy.transfer.settleMove((await gw.tenancy.central.em.fork().findOneOrFail(Tenant, { id: moving.before.id })))).rejects.toMatchObject({ code: 'CONFLICT' });
    await moving.busy.end(true);
    expect(await stopped).toEqual({ code: null, signal: 'SIGINT' });
    await expectNothingLeft(moving);
  });

  it('ends as a success when the signal arrives after the switch, while the old placement is removed', async () => {
    const hospital = await gw.createTenant({ slug: `signalled-${(n += 1)}`, isolation: 'SCHEMA' });
    await seedHospital(gw, hospital, 3);
    const before = (await catalogEntry(gw, hospital.slug))!;
    // A reader of the old schema keeps its removal (after the switch) waiting.
    const reader = new Client({ connectionString: gw.databaseUrl });
    await reader.connect();
    try {
      await reader.query('begin');
      await reader.query(`lock table "${before.schema_name}".patients in access share mode`);
      const cli = await CliProcess.spawn(gw.databaseUrl, ['move-tenant', hospital.slug, '--to', 'SHARED']);
      let ended = false;
      void cli.exit().then(() => (ended = true));
      await untilWaitingOnLock(testServerUrl(), dbName(gw), () => ended);
      const stopped = cli.stop('SIGINT');
      await heard(cli, 'SIGINT');
      await reader.query('commit');
      expect(await stopped).toEqual({ code: 0, signal: null });
      expect(cli.output).toContain(`moved ${hospital.slug}: SCHEMA on main → SHARED on main`);
    } finally {
      await reader.end();
    }
    expect((await catalogEntry(gw, hospital.slug))!.isolation).toBe('SHARED');
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [before.schema_name], dbName(gw))).toHaveLength(0);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
  });

  it('says it was stopped, not that its wait for the hold timed out, when stopped while waiting', async () => {
    const moving = await movingWhileHeld(Isolation.DATABASE, '1000');
    try {
      expect(await moving.cli.stop('SIGINT')).toEqual({ code: null, signal: 'SIGINT' });
      expect(moving.cli.output).toContain(`stopped by SIGINT: the move was undone; ${moving.hospital.slug} stays where it was (SCHEMA on main)`);
      expect(moving.cli.output).not.toMatch(/lock timeout/);
    } finally {
      await moving.busy.end(true);
    }
    await expectNothingLeft(moving);
  });

  it('ends at once on a second signal, its record left, and the next move settles it without waiting', async () => {
    const moving = await movingWhileHeld(Isolation.DATABASE);
    void moving.cli.stop('SIGINT');
    await heard(moving.cli, 'SIGINT');
    expect(await moving.cli.stop('SIGINT')).toEqual({ code: null, signal: 'SIGINT' });
    await moving.busy.end(true);
    expect(await claims(moving.before.id)).toHaveLength(1);

    expect((await runCli(gw.databaseUrl, ['move-tenant', moving.hospital.slug, '--to', 'SHARED'])).code).toBe(0);
    expect(await ownerQuery('select 1 from pg_database where datname like $1', [`${derivePlacement(Isolation.DATABASE, moving.before.id, dbName(gw)).database}%`])).toHaveLength(0);
    expect((await gw.gql(PatientsDocument, {}, moving.hospital)).data?.patients.totalCount).toBe(3);
  });

  it('after kill -9, the purge settles the move at once and leaves no copy', async () => {
    const { hospital, before, busy, cli } = await movingWhileHeld(Isolation.SHARED);
    expect(await cli.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await busy.end(true);
    expect(await rowsLeft(dbName(gw), 'tenants_shared', before.id)).toBeGreaterThan(0);
    await gw.tenancy.lifecycle.softDelete(hospital.slug);
    expect(await claims(before.id)).toHaveLength(1);

    const purged = await runCli(gw.databaseUrl, ['purge-tenant', hospital.slug, '--force']);
    expect({ code: purged.code, stderr: purged.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await rowsLeft(dbName(gw), 'tenants_shared', before.id)).toBe(0);
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [before.schema_name], dbName(gw))).toHaveLength(0);
    expect(await claims(before.id)).toHaveLength(0);
  });
});
