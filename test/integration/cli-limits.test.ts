import { CreatePatientDocument } from '../e2e/generated/graphql';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { dbName } from '../fixtures/transfer';

/** `sovereign set-tenant-limits`: a hospital's own limits changed from the command line. */
describe('operator CLI: set-tenant-limits', () => {
  let gw: TestGateway;
  const cli = (...args: string[]) => runCli(gw.databaseUrl, args);
  const limits = async (slug: string) =>
    (await ownerQuery<{ max_users: number | null; max_assets: number | null }>('select max_users, max_assets from catalog.tenants where slug = $1', [slug], dbName(gw)))[0];
  const audit = (slug: string) =>
    ownerQuery(`select operation, outcome, error_code, tenant_id, source from catalog.platform_audit where tenant_slug = $1 and operation = 'changeTenantLimits' order by at`, [slug], dbName(gw));

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  it('sets, changes and clears limits, printing what applies, and audits each change centrally', async () => {
    const h = await gw.createTenant({ slug: 'cli-limits', plan: 'TRIAL' });
    const set = await cli('set-tenant-limits', h.slug, '--max-users', '7', '--max-assets', '0');
    expect(set).toMatchObject({ code: 0, stdout: 'cli-limits (TRIAL): max users 7 (its own), max assets 0 (its own)' });
    expect(await limits(h.slug)).toEqual({ max_users: 7, max_assets: 0 });

    const cleared = await cli('set-tenant-limits', h.slug, '--max-assets', 'none');
    expect(cleared).toMatchObject({ code: 0, stdout: 'cli-limits (TRIAL): max users 7 (its own), max assets 100 (the plan’s)' });
    expect(await limits(h.slug)).toEqual({ max_users: 7, max_assets: null });

    expect((await cli('set-tenant-limits', h.slug, '--max-users', 'NONE')).stdout).toBe('cli-limits (TRIAL): max users 5 (the plan’s), max assets 100 (the plan’s)');
    expect(await audit(h.slug)).toEqual(Array.from({ length: 3 }, () => ({ operation: 'changeTenantLimits', outcome: 'SUCCESS', error_code: null, tenant_id: h.id, source: 'CLI' })));
  });

  it('records in its audit entry what it set and what was there before', async () => {
    const h = await gw.createTenant({ slug: 'cli-limits-noted', plan: 'BASIC', maxUsers: 9 });
    await cli('set-tenant-limits', h.slug, '--max-users', 'none', '--max-assets', '250');
    const noted = await ownerQuery(`select record_ids, detail from catalog.platform_audit where tenant_slug = $1 and operation = 'changeTenantLimits'`, [h.slug], dbName(gw));
    expect(noted).toEqual([{ record_ids: [h.id], detail: 'maxUsers: 9 → none, maxAssets: none → 250' }]);
  });

  it('lists each hospital with the user and patient limits that apply next to its plan, and whose they are', async () => {
    await gw.createTenant({ slug: 'cli-limits-listed', plan: 'TRIAL', maxAssets: 12 });
    await gw.createTenant({ slug: 'cli-limits-listed-open', plan: 'ENTERPRISE' });
    const listed = (await cli('list-tenants')).stdout.split('\n');
    expect(listed[0]!.split('\t').slice(0, 6)).toEqual(['slug', 'status', 'isolation', 'plan', 'max users', 'max assets']);
    const row = (slug: string) => listed.find((line) => line.startsWith(`${slug}\t`))!.split('\t').slice(3, 6);
    expect(row('cli-limits-listed')).toEqual(['TRIAL', '5 (the plan’s)', '12 (its own)']);
    expect(row('cli-limits-listed-open')).toEqual(['ENTERPRISE', 'unlimited (the plan’s)', 'unlimited (the plan’s)']);
  });

  it('says "unlimited" where the plan sets no limit', async () => {
    const h = await gw.createTenant({ slug: 'cli-limits-open', plan: 'ENTERPRISE' });
    expect((await cli('set-tenant-limits', h.slug, '--max-users', '3')).stdout).toBe('cli-limits-open (ENTERPRISE): max users 3 (its own), max assets unlimited (the plan’s)');
  });

  it('is honoured by a running gateway that had the hospital cached, within a second', async () => {
    const h = await gw.createTenant({ slug: 'cli-limits-live' });
    const addPatient = (mrn: string) => gw.gql(CreatePatientDocument, { input: { firstName: 'P', lastName: 'Live', birthDate: '1990-01-01', mrn } }, h);
    expect((await addPatient('L-1')).errors).toBeUndefined(); // cached without a limit
    expect((await cli('set-tenant-limits', h.slug, '--max-assets', '1')).code).toBe(0);
    const deadline = Date.now() + 1_000;
    let code: string | undefined;
    for (let n = 2; Date.now() < deadline && code !== 'PLAN_LIMIT_REACHED'; n += 1) code = errorCode(await addPatient(`L-${n}`));
    expect(code).toBe('PLAN_LIMIT_REACHED');
  });

  describe('bad usage', () => {
    const slug = 'cli-limits-bad';
    beforeAll(async () => {
      await gw.createTenant({ slug, maxUsers: 4 });
    });

    const range = 'must be a whole number from 0 to 2147483647, or none';
    it.each([
      [['--max-users', '-1'], `maxUsers: ${range}`],
      [['--max-assets', '1e3'], `maxAssets: ${range}`],
      [['--max-users', '2147483648'], `maxUsers: ${range}`],
      [['--max-assets', ' '], `maxAssets: ${range}`],
      [[], 'options: give --max-users, --max-assets or both (none clears one)'],
    ])('refuses %j (exit 2), changing and auditing nothing', async (options, problem) => {
      const result = await cli('set-tenant-limits', slug, ...options);
      expect({ code: result.code, stderr: result.stderr.trim().split('\n') }).toEqual({ code: 2, stderr: [`BAD_USER_INPUT: Invalid input (${problem})`] });
      expect(await limits(slug)).toEqual({ max_users: 4, max_assets: null });
      expect(await audit(slug)).toEqual([]);
    });
  });

  it('fails on a hospital that does not exist or is deleted (exit 1, NOT_FOUND), and audits the attempt', async () => {
    const gone = await gw.createTenant({ slug: 'cli-limits-gone' });
    await gw.tenancy.lifecycle.softDelete(gone.slug);
    for (const slug of ['cli-limits-nobody', gone.slug]) {
      const result = await cli('set-tenant-limits', slug, '--max-users', '1');
      expect({ code: result.code, stderr: result.stderr.trim().split('\n') }).toEqual({ code: 1, stderr: [`NOT_FOUND: Hospital ${slug} not found`] });
    }
    expect(await limits(gone.slug)).toEqual({ max_users: null, max_assets: null });
    expect(await audit(gone.slug)).toEqual([{ operation: 'changeTenantLimits', outcome: 'FAILURE', error_code: 'NOT_FOUND', tenant_id: gone.id, source: 'CLI' }]);
  });
});
