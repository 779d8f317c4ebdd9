import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { dbName } from '../fixtures/transfer';

/** `sovereign set-tenant-plan`: a hospital's plan changed from the command line, as changeTenantPlan changes it. */
describe('operator CLI: set-tenant-plan', () => {
  let gw: TestGateway;
  const cli = (...args: string[]) => runCli(gw.databaseUrl, args);
  const entry = async (slug: string) =>
    (await ownerQuery<{ plan: string; trial_ends_at: Date | null }>('select plan, trial_ends_at from catalog.tenants where slug = $1', [slug], dbName(gw)))[0]!;
  const audit = (slug: string) =>
    ownerQuery(`select outcome, error_code, tenant_id, detail, source from catalog.platform_audit where tenant_slug = $1 and operation = 'changeTenantPlan' order by at`, [slug], dbName(gw));

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  it('moves a hospital to another plan, printing and auditing the plan before and after', async () => {
    const h = await gw.createTenant({ slug: 'cli-plan', plan: 'BASIC' });
    expect(await cli('set-tenant-plan', h.slug, 'professional')).toMatchObject({ code: 0, stdout: 'cli-plan: plan: BASIC → PROFESSIONAL' });
    expect((await entry(h.slug)).plan).toBe('PROFESSIONAL');
    expect(await audit(h.slug)).toEqual([{ outcome: 'SUCCESS', error_code: null, tenant_id: h.id, detail: 'plan: BASIC → PROFESSIONAL', source: 'CLI' }]);
  });

  it('resumes a hospital’s one trial, and refuses one that has ended (exit 1, CONFLICT), auditing the attempt', async () => {
    const h = await gw.createTenant({ slug: 'cli-plan-trial', plan: 'TRIAL' });
    const { trial_ends_at: ends } = await entry(h.slug);
    await cli('set-tenant-plan', h.slug, 'BASIC');
    const back = await cli('set-tenant-plan', h.slug, 'TRIAL');
    expect(back).toMatchObject({ code: 0, stdout: `cli-plan-trial: plan: BASIC → TRIAL, trial ends ${ends!.toISOString()}` });
    expect(await entry(h.slug)).toEqual({ plan: 'TRIAL', trial_ends_at: ends });

    await ownerQuery(`update catalog.tenants set plan = 'BASIC', trial_ends_at = now() - interval '1 day' where slug = $1`, [h.slug], dbName(gw));
    const refused = await cli('set-tenant-plan', h.slug, 'TRIAL');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^CONFLICT: The trial of "cli-plan-trial" ended on \d{4}-\d{2}-\d{2}; a hospital has one trial/);
    expect((await entry(h.slug)).plan).toBe('BASIC');
    expect((await audit(h.slug)).map((a) => [a.outcome, a.error_code])).toEqual([['SUCCESS', null], ['SUCCESS', null], ['FAILURE', 'CONFLICT']]);
  });

  it('refuses a plan that does not exist (exit 2), changing and auditing nothing', async () => {
    const h = await gw.createTenant({ slug: 'cli-plan-bad', plan: 'BASIC' });
    const result = await cli('set-tenant-plan', h.slug, 'GOLD');
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({ code: 2, stderr: 'BAD_USER_INPUT: Invalid input (plan: must be TRIAL, BASIC, PROFESSIONAL or ENTERPRISE)' });
    expect((await entry(h.slug)).plan).toBe('BASIC');
    expect(await audit(h.slug)).toEqual([]);
  });
});
