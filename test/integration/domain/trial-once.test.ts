import { ChangeTenantPlanDocument } from '../../e2e/generated/graphql';
import { ownerQuery } from '../../fixtures/database';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { dbName } from '../../fixtures/transfer';

const DAY = 86_400_000;

/** A hospital gets one trial: no change of plan starts a second one. */
describe('one trial per hospital (changeTenantPlan)', () => {
  let gw: TestGateway;
  let platform: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  const changePlan = (slug: string, plan: 'TRIAL' | 'BASIC' | 'PROFESSIONAL') => gw.gql(ChangeTenantPlanDocument, { slug, plan }, { token: platform });
  const entry = async (slug: string) =>
    (await ownerQuery<{ plan: string; trial_ends_at: Date | null }>('select plan, trial_ends_at from catalog.tenants where slug = $1', [slug], dbName(gw)))[0]!;
  const endTrial = async (slug: string, id: string) => {
    await ownerQuery(`update catalog.tenants set trial_ends_at = now() - interval '1 day' where slug = $1`, [slug], dbName(gw));
    gw.tenancy.store.invalidate(id);
  };

  it('resumes the same trial when a hospital leaves TRIAL and comes back, however often', async () => {
    const h = await gw.createTenant({ slug: 'trial-back', plan: 'TRIAL' });
    const started = (await entry(h.slug)).trial_ends_at;
    for (const plan of ['BASIC', 'TRIAL', 'PROFESSIONAL', 'TRIAL'] as const) expect((await changePlan(h.slug, plan)).errors).toBeUndefined();
    expect(await entry(h.slug)).toEqual({ plan: 'TRIAL', trial_ends_at: started });
  });

  it('refuses to move a hospital whose trial has ended back to TRIAL (CONFLICT), changing nothing', async () => {
    const h = await gw.createTenant({ slug: 'trial-ended', plan: 'TRIAL' });
    await endTrial(h.slug, h.id);
    expect((await changePlan(h.slug, 'BASIC')).data?.changeTenantPlan.plan).toBe('BASIC');
    const ended = (await entry(h.slug)).trial_ends_at;
    const again = await changePlan(h.slug, 'TRIAL');
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toMatch(/^The trial of "trial-ended" ended on \d{4}-\d{2}-\d{2}; a hospital has one trial/);
    expect(await entry(h.slug)).toEqual({ plan: 'BASIC', trial_ends_at: ended });
  });

  it('keeps an ended trial ended when a TRIAL hospital is "moved" to TRIAL again', async () => {
    const h = await gw.createTenant({ slug: 'trial-stays-ended', plan: 'TRIAL' });
    await endTrial(h.slug, h.id);
    const ended = (await entry(h.slug)).trial_ends_at;
    expect((await changePlan(h.slug, 'TRIAL')).errors).toBeUndefined();
    expect(await entry(h.slug)).toEqual({ plan: 'TRIAL', trial_ends_at: ended });
  });

  it('starts the one trial of a hospital that was never on TRIAL, 30 days from the move', async () => {
    const h = await gw.createTenant({ slug: 'trial-late', plan: 'BASIC' });
    expect((await entry(h.slug)).trial_ends_at).toBeNull();
    const before = Date.now();
    await changePlan(h.slug, 'TRIAL');
    const end = (await entry(h.slug)).trial_ends_at!.getTime();
    expect(end).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(end).toBeLessThanOrEqual(Date.now() + 30 * DAY);
  });
});
