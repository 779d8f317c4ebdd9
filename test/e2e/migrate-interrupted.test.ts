import { Client } from 'pg';
import { TENANT_MIGRATIONS } from '../../migrations/tenant';
import { CliProcess } from '../fixtures/cli-process';
import { buildGateway } from '../fixtures/gateway-process';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { runCli } from '../fixtures/operator-cli';
import { catalogEntry, dbName } from '../fixtures/transfer';

interface RunRow {
  id: string;
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  finished: boolean;
}

describe('a migrate run stopped in the middle', () => {
  let gw: TestGateway;
  const slugs = ['mi-a', 'mi-b', 'mi-c'];
  const previous = TENANT_MIGRATIONS[TENANT_MIGRATIONS.length - 2]!.name;

  beforeAll(async () => {
    gw = await TestGateway.start();
    for (const slug of slugs) await gw.createTenant({ slug, isolation: 'SCHEMA' });
  }, 60_000);
  // The CLI runs from dist/: built once, before the tests that start it.
  beforeAll(() => buildGateway(), 300_000);
  afterAll(() => gw.stop());

  const runs = () =>
    ownerQuery<RunRow & Record<string, unknown>>(
      'select id::text, status, total, succeeded, failed, finished_at is not null as finished from catalog.migration_runs order by id', [], dbName(gw),
    );
  const stateOf = async (slug: string) =>
    (await ownerQuery<{ status: string }>('select s.status from catalog.tenant_migration_state s join catalog.tenants t on t.id = s.tenant_id where t.slug = $1', [slug], dbName(gw)))[0]?.status;

  /** Puts the hospitals behind (so a run has work), and holds up the last one's migration until the returned client lets go. */
  async function runWithLastHeldUp(): Promise<{ cli: CliProcess; release(): Promise<void> }> {
    await ownerQuery('update catalog.tenants set migration_version = $1 where slug = any($2)', [previous, slugs], dbName(gw));
    await ownerQuery('delete from catalog.tenant_migration_state', [], dbName(gw));
    const holder = new Client({ connectionString: Object.assign(new URL(testServerUrl()), { pathname: `/${dbName(gw)}` }).toString() });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(hashtext($1))', [`sovereign-migrate:${(await catalogEntry(gw, 'mi-c'))!.schema_name}`]);
    const cli = await CliProcess.spawn(gw.databaseUrl, ['migrate']);
    await cli.until(async () => (await stateOf('mi-c')) === 'RUNNING', 'the third hospital');
    return { cli, release: async () => void (await holder.query('rollback'), await holder.end()) };
  }

  it('killed outright (SIGKILL), stays unfinished with the counts it reached, and the next run records it INTERRUPTED and resumes', async () => {
    const { cli, release } = await runWithLastHeldUp();
    try {
      expect(await cli.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const [killed] = (await runs()).slice(-1);
      expect(killed).toMatchObject({ status: 'RUNNING', total: 3, succeeded: 2, failed: 0, finished: false });
    } finally {
      await release();
    }
    const next = await runCli(gw.databaseUrl, ['migrate']);
    expect(next.code).toBe(0);
    const [killed, resumed] = (await runs()).slice(-2);
    expect(next.output).toContain(`resuming after run #${killed!.id} (INTERRUPTED): 1 hospital(s) retried`);
    expect(killed).toMatchObject({ status: 'INTERRUPTED', total: 3, succeeded: 2, failed: 0, finished: true });
    expect(resumed).toMatchObject({ status: 'SUCCEEDED', total: 1, succeeded: 1, failed: 0 });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stopped by %s, records itself INTERRUPTED with the counts it reached', async (signal) => {
    const { cli, release } = await runWithLastHeldUp();
    try {
      expect(await cli.stop(signal)).toEqual({ code: null, signal });
      const [stopped] = (await runs()).slice(-1);
      expect(stopped).toMatchObject({ status: 'INTERRUPTED', total: 3, succeeded: 2, failed: 0, finished: true });
      expect(cli.output).toContain(`run #${stopped!.id} recorded INTERRUPTED; the next migrate resumes it`);
    } finally {
      await release();
    }
  });

  it('started while another run is under way, waits for it and then succeeds with what is left', async () => {
    const { cli, release } = await runWithLastHeldUp();
    const second = await CliProcess.spawn(gw.databaseUrl, ['migrate']);
    await second.until(async () => second.output.includes('another migrate run is under way: waiting for it to end'), 'waiting');
    await release();
    expect(await cli.exit()).toEqual({ code: 0, signal: null });
    expect(await second.exit()).toEqual({ code: 0, signal: null });
    expect(second.output).toContain('hospitals: 0 migrated, 3 already at the latest, 0 failed');
    expect((await runs()).slice(-1)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', total: 3, succeeded: 3, failed: 0 })]);
  });
});
