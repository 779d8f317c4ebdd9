import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PatientsDocument } from './generated/graphql';
import { TestGateway } from '../fixtures/gateway';
import { runCli } from '../fixtures/operator-cli';
import { Isolation } from '../../src/tenancy';
import { ownerQuery } from '../fixtures/database';
import { archiveDir, catalogEntry, dbName, dumpHospital, expectImportedCopy, seedHospital } from '../fixtures/transfer';

describe('operator CLI: export-tenant, import-tenant, move-tenant', () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };
  const dir = archiveDir();

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'cli-source', isolation: 'SCHEMA' });
    await seedHospital(gw, hospital, 4);
  });
  afterAll(() => gw.stop());

  it('exports a hospital, printing its tables, and imports the archive as a new DATABASE hospital', async () => {
    const file = join(dir, 'cli-source.gz');
    const exported = await runCli(gw.databaseUrl, ['export-tenant', 'cli-source', file]);
    expect(exported.code).toBe(0);
    expect(exported.output).toMatch(/exported cli-source \(SCHEMA\) at migration \w+/);
    expect(exported.output).toMatch(/patients\s+4 rows\s+[0-9a-f]{32}/);
    expect(existsSync(file)).toBe(true);

    const imported = await runCli(gw.databaseUrl, ['import-tenant', file, '--slug', 'cli-copy', '--isolation', 'DATABASE', '--name', 'CLI copy']);
    expect(imported.code).toBe(0);
    expect(imported.output).toMatch(/imported .* as cli-copy \(DATABASE on main\)/);
    expect(imported.output).toMatch(/importing: patients \(4 rows\)/);
    expectImportedCopy(await dumpHospital(gw, 'cli-copy'), await dumpHospital(gw, 'cli-source'));
  });

  it('refuses to export over an existing FILE.partial and leaves that file alone', async () => {
    const file = join(dir, 'busy.gz');
    writeFileSync(`${file}.partial`, 'another export writing');
    const result = await runCli(gw.databaseUrl, ['export-tenant', 'cli-source', file]);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`CONFLICT: ${file}.partial exists: another export is running or one was interrupted; remove it to retry`);
    expect(readFileSync(`${file}.partial`, 'utf8')).toBe('another export writing');
    expect(existsSync(file)).toBe(false);
  });

  it('moves a live hospital and reports the hold and what it verified', async () => {
    const moved = await runCli(gw.databaseUrl, ['move-tenant', 'cli-source', '--to', 'SHARED']);
    expect(moved.code).toBe(0);
    expect(moved.output).toMatch(/moved cli-source: SCHEMA on main → SHARED on main/);
    expect(moved.output).toMatch(/requests were held for \d+ ms/);
    expect((await catalogEntry(gw, 'cli-source'))!.isolation).toBe('SHARED');
    // The gateway's cache still named the old schema: its next request is re-routed, not refused.
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(4);
  });

  it.each([
    ['an unknown mode', ['move-tenant', 'cli-source', '--to', 'CLOUD'], 2],
    ['a missing --to', ['move-tenant', 'cli-source'], 2],
    ['the mode it is already in', ['move-tenant', 'cli-source', '--to', 'SHARED'], 2],
    ['an unknown hospital', ['move-tenant', 'nobody', '--to', 'SCHEMA'], 1],
    ['a hold timeout that is not a number', ['move-tenant', 'cli-source', '--to', 'SCHEMA', '--hold-timeout', 'abc'], 2],
    ['a negative hold timeout', ['move-tenant', 'cli-source', '--to', 'SCHEMA', '--hold-timeout', '-1'], 2],
    ['a hold timeout of 0 (PostgreSQL would wait forever)', ['move-tenant', 'cli-source', '--to', 'SCHEMA', '--hold-timeout', '0'], 2],
    ['a hold timeout PostgreSQL cannot take', ['move-tenant', 'cli-source', '--to', 'SCHEMA', '--hold-timeout', '3000000000'], 2],
    ['an archive that exists already', ['export-tenant', 'cli-source', join(__dirname, 'cli-transfer.test.ts')], 2],
    ['a missing archive', ['import-tenant', '/nonexistent/archive.gz', '--slug', 'ghost', '--isolation', 'SCHEMA'], 2],
    ['import without --isolation', ['import-tenant', '/nonexistent/archive.gz', '--slug', 'ghost'], 2],
  ])('exits with a code scripts can trust for %s', async (_why, args, code) => {
    expect((await runCli(gw.databaseUrl, args)).code).toBe(code);
  });

  it.each([Number.NaN, -1, 0, 1.5])('refuses a hold timeout of %s before any work: nothing claimed, no target placement', async (holdTimeoutMs) => {
    const databases = () => ownerQuery('select datname from pg_database where datname like $1 order by 1', [`${dbName(gw)}_%`]);
    const before = { entry: await catalogEntry(gw, 'cli-source'), databases: await databases() };
    await expect(gw.tenancy.transfer.move('cli-source', Isolation.DATABASE, { holdTimeoutMs })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: { holdTimeoutMs: expect.any(String) } } });
    expect({ entry: await catalogEntry(gw, 'cli-source'), databases: await databases() }).toEqual(before);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers', [], dbName(gw))).toEqual([]);
  });

  it('records imports and moves, done or refused, in the central platform audit', async () => {
    const audit = await ownerQuery<{ operation: string; outcome: string; source: string; tenant_slug: string; error_code: string | null; tenant_id: string | null }>(
      `select operation, outcome, source, tenant_slug, error_code, tenant_id::text from catalog.platform_audit where operation in ('importTenant', 'moveTenant') order by at`, [], dbName(gw),
    );
    const source = (await catalogEntry(gw, 'cli-source'))!;
    expect(audit.map(({ tenant_id: _id, ...rest }) => rest)).toEqual([
      { operation: 'importTenant', outcome: 'SUCCESS', source: 'CLI', tenant_slug: 'cli-copy', error_code: null },
      { operation: 'moveTenant', outcome: 'SUCCESS', source: 'CLI', tenant_slug: 'cli-source', error_code: null },
      { operation: 'moveTenant', outcome: 'FAILURE', source: 'CLI', tenant_slug: 'cli-source', error_code: 'BAD_USER_INPUT' },
      { operation: 'moveTenant', outcome: 'FAILURE', source: 'CLI', tenant_slug: 'nobody', error_code: 'NOT_FOUND' },
      { operation: 'moveTenant', outcome: 'FAILURE', source: 'CLI', tenant_slug: 'cli-source', error_code: 'BAD_USER_INPUT' },
      { operation: 'importTenant', outcome: 'FAILURE', source: 'CLI', tenant_slug: 'ghost', error_code: 'BAD_USER_INPUT' },
    ]);
    expect(audit[1]!.tenant_id).toBe(source.id);
  });

  it.each(['export-tenant', 'import-tenant', 'move-tenant', 'verify-isolation'])('explains %s with --help', async (command) => {
    const help = await runCli(gw.databaseUrl, [command, '--help']);
    expect(help.code).toBe(0);
    expect(help.output).toContain(`Usage: sovereign ${command} [options]`);
  });
});
