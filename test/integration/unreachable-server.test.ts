import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../fixtures/cli';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { PatientsDocument } from '../e2e/generated/graphql';

/** A configured database server nothing listens on. */
const DEAD_SERVER = 'postgres://postgres@127.0.0.1:1/postgres';

describe('operator CLI with a database server down', () => {
  let gw: TestGateway;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const eastDown = { TENANT_DATABASE_SERVERS: `east=${DEAD_SERVER}` };
  const eastUp = () => {
    const east = new URL(testServerUrl());
    east.pathname = '/postgres';
    return { TENANT_DATABASE_SERVERS: `east=${east.toString()}` };
  };
  const catalog = async (slug: string) =>
    (await ownerQuery<{ migration_version: string | null; state: string | null; error: string | null }>(
      `select t.migration_version, s.status as state, s.error
         from catalog.tenants t left join catalog.tenant_migration_state s on s.tenant_id = t.id where t.slug = $1`, [slug], db(),
    ))[0]!;

  beforeAll(async () => {
    gw = await TestGateway.start(eastUp());
    await gw.createTenant({ slug: 'far-away', isolation: 'DATABASE', server: 'east' });
    await gw.createTenant({ slug: 'near-by', isolation: 'SCHEMA' });
  });
  afterAll(() => gw.stop());

  it('migrate: the hospitals on the unreachable server fail with the reason, the others are migrated, exit 1', async () => {
    await ownerQuery("update catalog.tenants set migration_version = null where slug in ('far-away', 'near-by')", [], db());
    const result = await runCli(gw.databaseUrl, ['migrate'], eastDown);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED database server east: Could not set up the runtime role \w+: connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect(result.stdout).toMatch(/FAILED far-away \(DATABASE\): database server east: .*ECONNREFUSED/);
    expect(result.stdout).toMatch(/hospitals: 1 migrated, 0 already at the latest, 1 failed/);
    expect(await catalog('near-by')).toMatchObject({ migration_version: expect.any(String), state: 'DONE' });
    expect(await catalog('far-away')).toMatchObject({ migration_version: null, state: 'FAILED', error: expect.stringMatching(/^database server east: .*ECONNREFUSED/) });

    // Back up: a rerun picks the failed hospital up.
    const rerun = await runCli(gw.databaseUrl, ['migrate'], eastUp());
    expect(rerun.stdout).toMatch(/hospitals: 1 migrated, 1 already at the latest, 0 failed/);
    expect(rerun.code).toBe(0);
  });

  it('the gateway starts (migrating on start) and serves the other hospitals while a database server is down', async () => {
    const replica = await TestGateway.start(eastDown, gw.databaseUrl);
    try {
      const token = await replica.login('admin@near-by.test', STAFF_PASSWORD, 'near-by');
      expect((await replica.gql(PatientsDocument, {}, { slug: 'near-by', token })).data?.patients.totalCount).toBe(0);
    } finally {
      await replica.stop();
    }
  });

  it('doctor: reports a placement on an unreachable or unknown server and checks the others', async () => {
    const down = await runCli(gw.databaseUrl, ['doctor'], eastDown);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/far-away \(east\/\w+\/tenant\):\n\s+PROBLEM\s+UNREACHABLE: connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect(down.stdout).toMatch(/3 placement\(s\) checked: 2 healthy, 1 with problems/);
    const unknown = await runCli(gw.databaseUrl, ['doctor', '--fix']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/PROBLEM\s+UNREACHABLE: Unknown database server "east"/);
    expect(unknown.stdout).toMatch(/3 placement\(s\) checked: 2 healthy, 1 with problems, 0 problem\(s\) fixed/);
    expect((await runCli(gw.databaseUrl, ['doctor'], eastUp())).code).toBe(0);
  });

  it('prints one line naming what failed, not the error object, and the stack only with --verbose', async () => {
    const down = await runCli('postgres://postgres@127.0.0.1:1/sovereign', ['list-tenants']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe('database server main (127.0.0.1:1) unreachable: connect ECONNREFUSED 127.0.0.1:1');
    const verbose = await runCli('postgres://postgres@127.0.0.1:1/sovereign', ['list-tenants', '--verbose']);
    expect(verbose.code).toBe(1);
    // The line, then the stack (the error's name and message first).
    expect(verbose.stderr.startsWith(down.stderr)).toBe(true);
    expect(verbose.stderr.slice(down.stderr.length)).toMatch(/^Error: connect ECONNREFUSED 127\.0\.0\.1:1/);

    const missing = new URL(gw.databaseUrl);
    missing.pathname = '/no_such_database';
    const refused = await runCli(missing.toString(), ['list-tenants']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('PostgreSQL error 3D000: database "no_such_database" does not exist');

    // A directory that cannot exist: a temporary one, removed (a fixed path such as /nonexistent may have been made by anyone).
    const gone = mkdtempSync(join(tmpdir(), 'sovereign-gone-'));
    rmSync(gone, { recursive: true });
    const unwritable = await runCli(gw.databaseUrl, ['export-tenant', 'near-by', join(gone, 'near-by.gz')]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toBe(`cannot open ${gone}/near-by.gz.partial: no such file or directory (ENOENT)`);
  });
});
