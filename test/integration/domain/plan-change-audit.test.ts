import { ChangeTenantLimitsDocument, ChangeTenantPlanDocument } from '../../e2e/generated/graphql';
import { ownerQuery } from '../../fixtures/database';
import { TestGateway } from '../../fixtures/gateway';
import { dbName } from '../../fixtures/transfer';

/** The central audit of a plan or limit change says what was set, and what it was before. */
describe('platform audit of plan and limit changes', () => {
  let gw: TestGateway;
  let platform: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  const details = async (slug: string, operation: string) =>
    (await ownerQuery<{ outcome: string; detail: string | null }>(
      'select outcome, detail from catalog.platform_audit where tenant_slug = $1 and operation = $2 order by at', [slug, operation], dbName(gw),
    ));

  it('records the plan before and after in changeTenantPlan’s entry, with the trial end when it moves to TRIAL', async () => {
    const h = await gw.createTenant({ slug: 'audit-plan', plan: 'BASIC' });
    await gw.gql(ChangeTenantPlanDocument, { slug: h.slug, plan: 'PROFESSIONAL' }, { token: platform });
    await gw.gql(ChangeTenantPlanDocument, { slug: h.slug, plan: 'TRIAL' }, { token: platform });
    const [ends] = await ownerQuery<{ trial_ends_at: Date }>('select trial_ends_at from catalog.tenants where slug = $1', [h.slug], dbName(gw));
    expect(await details(h.slug, 'changeTenantPlan')).toEqual([
      { outcome: 'SUCCESS', detail: 'plan: BASIC → PROFESSIONAL' },
      { outcome: 'SUCCESS', detail: `plan: PROFESSIONAL → TRIAL, trial ends ${ends!.trial_ends_at.toISOString()}` },
    ]);
  });

  it('records both limits before and after in changeTenantLimits’ entry (none: the plan’s applies)', async () => {
    const h = await gw.createTenant({ slug: 'audit-limits', plan: 'TRIAL', maxAssets: 40 });
    await gw.gql(ChangeTenantLimitsDocument, { slug: h.slug, maxUsers: 7 }, { token: platform });
    await gw.gql(ChangeTenantLimitsDocument, { slug: h.slug, maxUsers: null, maxAssets: 0 }, { token: platform });
    expect(await details(h.slug, 'changeTenantLimits')).toEqual([
      { outcome: 'SUCCESS', detail: 'maxUsers: none → 7, maxAssets: 40 → 40' },
      { outcome: 'SUCCESS', detail: 'maxUsers: 7 → none, maxAssets: 40 → 0' },
    ]);
  });
});
