import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Isolation } from '../../../src/tenancy';
import { runCli } from '../../fixtures/cli';
import { ownerQuery, testServerUrl } from '../../fixtures/database';
import { FaultProxy, type Break } from '../../fixtures/fault-proxy';
import { TestGateway } from '../../fixtures/gateway';
import { archiveDir, catalogEntry, dbName, rowsLeft, seedHospital } from '../../fixtures/transfer';

/**
 * A hospital's database server that goes away during an export or a move: the export tells the
 * operator so with a code and leaves no archive (nor a partial one); a move that cannot remove its
 * copy keeps its record, so the purge of the hospital removes the copy. The "east" server is the test
 * server behind a proxy that breaks a chosen connection, or stops taking any.
 */
const REASONS: Record<Break, string> = {
  terminate: 'terminating connection due to administrator command',
  close: 'Connection terminated unexpectedly',
  reset: 'read ECONNRESET',
};

describe('export when the hospital’s database server goes away', () => {
  let proxy: FaultProxy;
  let gw: TestGateway;
  let env: Record<string, string>;
  const dir = archiveDir();

  beforeAll(async () => {
    proxy = await FaultProxy.start(testServerUrl());
    const east = new URL(testServerUrl());
    east.pathname = '/postgres';
    env = { TENANT_DATABASE_SERVERS: `east=${proxy.via(east.toString())}` };
    gw = await TestGateway.start(env);
    const hospital = await gw.createTenant({ slug: 'far-away', isolation: 'DATABASE', server: 'east' });
    await seedHospital(gw, hospital, 3);
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await proxy?.close();
  });

  it.each<Break>(['terminate', 'close', 'reset'])('answers SERVICE_UNAVAILABLE when the connection is broken (%s) mid-export, and leaves no archive', async (how) => {
    const file = join(dir, `far-away-${how}.gz`);
    const broken = proxy.breakOn(/fetch forward/, how);
    const result = await runCli(gw.databaseUrl, ['export-tenant', 'far-away', file], env);
    await broken;
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
      code: 1,
      stderr: `SERVICE_UNAVAILABLE: Database server "east" could not be reached (${REASONS[how]}); no archive of "far-away" was written; try again once it answers`,
    });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('keeps the record of a move whose copy could not be removed, and the purge of the hospital removes the copy', async () => {
    const hospital = await gw.createTenant({ slug: 'moving-east', isolation: 'SCHEMA' });
    await seedHospital(gw, hospital, 3);
    const { id } = (await catalogEntry(gw, hospital.slug))!;
    const attempt = gw.tenancy.transfer.move(hospital.slug, Isolation.DATABASE, {
      server: 'east',
      afterStep: (step) => {
        if (step !== 'catch-up') return;
        void proxy.breakOn(/drop database/, 'reset'); // the undo cannot remove the copy
        throw new Error('injected failure after catch-up');
      },
    });
    await expect(attempt).rejects.toThrow('injected failure after catch-up');
    const [claim] = await ownerQuery<{ target_database: string }>('select target_database from catalog.tenant_transfers where tenant_id = $1', [id], dbName(gw));
    expect(claim).toEqual({ target_database: expect.any(String) });
    expect(await rowsLeft(claim!.target_database, 'tenant', id)).toBeGreaterThan(0);

    await gw.tenancy.lifecycle.softDelete(hospital.slug);
    expect((await runCli(gw.databaseUrl, ['purge-tenant', hospital.slug, '--force'], env)).code).toBe(0);
    expect(await ownerQuery('select 1 from pg_database where datname = $1', [claim!.target_database])).toHaveLength(0);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [id], dbName(gw))).toHaveLength(0);
  });

  it('answers SERVICE_UNAVAILABLE when the server refuses connections, and leaves no archive', async () => {
    await proxy.close();
    const file = join(dir, 'far-away-refused.gz');
    const result = await runCli(gw.databaseUrl, ['export-tenant', 'far-away', file], env);
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
      code: 1,
      stderr: expect.stringMatching(/^SERVICE_UNAVAILABLE: Database server "east" could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); no archive of "far-away" was written; try again once it answers$/),
    });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});
