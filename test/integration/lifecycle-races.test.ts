import { Isolation } from '../../src/tenancy';
import { behindCatalogRow } from '../fixtures/catalog-races';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';
import { catalogEntry, dbName, rowsLeft } from '../fixtures/transfer';
import { ChangeTenantLimitsDocument, ChangeTenantPlanDocument, DeleteTenantDocument, MeDocument, ResumeTenantDocument, SuspendTenantDocument } from '../e2e/generated/graphql';

/**
 * Changes of one hospital's lifecycle that race each other end as if one came after the other: each
 * writes only if the hospital is still as it found it, and otherwise answers as it would have after
 * the other (NOT_FOUND for a hospital deleted or purged meanwhile, CONFLICT for one placed under
 * legal hold meanwhile).
 */
describe('hospital lifecycle changes racing each other', () => {
  let gw: TestGateway;
  let token: string;
  const row = async (slug: string) =>
    (await ownerQuery<{ status: string; plan: string; deleted_at: Date | null; legal_hold: boolean; max_users: number | null; max_assets: number | null }>(
      'select status, plan, deleted_at, legal_hold, max_users, max_assets from catalog.tenants where slug = $1', [slug], dbName(gw),
    ))[0];
  const code = (outcome: PromiseSettledResult<unknown>) =>
    outcome.status === 'rejected' ? ((outcome.reason as { code?: string }).code ?? String(outcome.reason)) : (errorCode(outcome.value as GqlResult<unknown>) ?? 'OK');
  const gql = {
    delete: (slug: string) => () => gw.gql(DeleteTenantDocument, { slug }, { token }),
    resume: (slug: string) => () => gw.gql(ResumeTenantDocument, { slug }, { token }),
    suspend: (slug: string) => () => gw.gql(SuspendTenantDocument, { slug }, { token }),
    plan: (slug: string) => () => gw.gql(ChangeTenantPlanDocument, { slug, plan: 'BASIC' }, { token }),
    limits: (slug: string, limits: { maxUsers?: number | null; maxAssets?: number | null }) => () => gw.gql(ChangeTenantLimitsDocument, { slug, ...limits }, { token }),
  };

  beforeAll(async () => {
    gw = await TestGateway.start();
    token = await gw.platformToken();
  });
  afterAll(() => gw.stop());

  it.each(['resume', 'suspend'] as const)('keeps a hospital deleted when a %s that read it before the deletion writes after it; it can then be purged', async (change) => {
    const h = await gw.createTenant({ slug: `race-${change}` });
    await gw.gql(SuspendTenantDocument, { slug: h.slug }, { token });
    const outcomes = await behindCatalogRow(gw, h.slug, [gql.delete(h.slug), gql[change](h.slug)]);
    expect(outcomes.map(code)).toEqual(['OK', 'NOT_FOUND']);
    expect(await row(h.slug)).toMatchObject({ status: 'DELETED', deleted_at: expect.any(Date) });
    expect(errorCode(await gw.gql(MeDocument, {}, h))).toBe('TENANT_NOT_FOUND');
    expect((await runCli(gw.databaseUrl, ['purge-tenant', h.slug, '--force'])).code).toBe(0);
  });

  it('changes no plan of a hospital deleted meanwhile', async () => {
    const h = await gw.createTenant({ slug: 'race-plan' });
    const outcomes = await behindCatalogRow(gw, h.slug, [gql.delete(h.slug), gql.plan(h.slug)]);
    expect(outcomes.map(code)).toEqual(['OK', 'NOT_FOUND']);
    expect(await row(h.slug)).toMatchObject({ status: 'DELETED', plan: 'ENTERPRISE' });
  });

  it('changes no limits of a hospital deleted meanwhile', async () => {
    const h = await gw.createTenant({ slug: 'race-limits', maxUsers: 8 });
    const outcomes = await behindCatalogRow(gw, h.slug, [gql.delete(h.slug), gql.limits(h.slug, { maxUsers: 3, maxAssets: 4 })]);
    expect(outcomes.map(code)).toEqual(['OK', 'NOT_FOUND']);
    expect(await row(h.slug)).toMatchObject({ status: 'DELETED', max_users: 8, max_assets: null });
  });

  it('builds a limit change on another that came first, keeping both and answering with both', async () => {
    const h = await gw.createTenant({ slug: 'race-limits-both' });
    const outcomes = await behindCatalogRow(gw, h.slug, [gql.limits(h.slug, { maxUsers: 5 }), gql.limits(h.slug, { maxAssets: 6 })]);
    expect(outcomes.map(code)).toEqual(['OK', 'OK']);
    const answer = (outcomes[1] as PromiseFulfilledResult<GqlResult<{ changeTenantLimits: unknown }>>).value.data?.changeTenantLimits;
    expect(answer).toMatchObject({ maxUsers: 5, maxAssets: 6 });
    expect(await row(h.slug)).toMatchObject({ status: 'ACTIVE', max_users: 5, max_assets: 6 });
  });

  it('refuses a legal hold on a hospital purged meanwhile', async () => {
    const h = await gw.createTenant({ slug: 'race-purged', isolation: 'SCHEMA' });
    await gw.tenancy.lifecycle.softDelete(h.slug);
    const outcomes = await behindCatalogRow(gw, h.slug, [
      () => gw.tenancy.lifecycle.purge(h.slug, { force: true }),
      () => gw.tenancy.lifecycle.setLegalHold(h.slug, true, 'case 77'),
    ]);
    expect(outcomes.map(code)).toEqual(['OK', 'NOT_FOUND']);
    expect(await row(h.slug)).toBeUndefined();
  });

  it('purges nothing of a hospital placed under legal hold meanwhile', async () => {
    const h = await gw.createTenant({ slug: 'race-held', isolation: 'SCHEMA' });
    const entry = (await catalogEntry(gw, h.slug))!;
    await gw.tenancy.lifecycle.softDelete(h.slug);
    const before = await rowsLeft(entry.database_name, entry.schema_name, h.id);
    const outcomes = await behindCatalogRow(gw, h.slug, [
      () => gw.tenancy.lifecycle.setLegalHold(h.slug, true, 'case 78'),
      () => gw.tenancy.lifecycle.purge(h.slug, { force: true }),
    ]);
    expect(outcomes.map(code)).toEqual(['OK', 'CONFLICT']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe(`Hospital "${h.slug}" is under legal hold (case 78); release the hold before purging`);
    expect(await row(h.slug)).toMatchObject({ status: 'DELETED', legal_hold: true });
    expect(await rowsLeft(entry.database_name, entry.schema_name, h.id)).toBe(before);
  });

  it('purges a hospital once when two purges race, answering NOT_FOUND to the second', async () => {
    const h = await gw.createTenant({ slug: 'race-twice' });
    await gw.tenancy.lifecycle.softDelete(h.slug);
    const purge = () => gw.tenancy.lifecycle.purge(h.slug, { force: true });
    expect((await behindCatalogRow(gw, h.slug, [purge, purge])).map(code)).toEqual(['OK', 'NOT_FOUND']);
  });

  it('does not switch a move of a hospital deleted while it was copied: it stays deleted where it was', async () => {
    const h = await gw.createTenant({ slug: 'race-move', isolation: 'SCHEMA' });
    const before = (await catalogEntry(gw, h.slug))!;
    const moved = gw.tenancy.transfer.move(h.slug, Isolation.DATABASE, {
      afterStep: async (step) => {
        if (step === 'catch-up') await gw.tenancy.lifecycle.softDelete(h.slug);
      },
    });
    await expect(moved).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await catalogEntry(gw, h.slug)).toEqual({ ...before, status: 'DELETED' });
    expect(await rowsLeft(before.database_name, before.schema_name, h.id)).toBeGreaterThan(0);
  });

  it('ends every race of a resumption and a deletion sent at once with the hospital deleted, not served, and purgeable', async () => {
    for (let round = 0; round < 10; round += 1) {
      const h = await gw.createTenant({ slug: `race-http-${round}` });
      await gw.gql(SuspendTenantDocument, { slug: h.slug }, { token });
      const [resumed, deleted] = await Promise.all([gql.resume(h.slug)(), gql.delete(h.slug)()]);
      expect(errorCode(deleted)).toBeUndefined();
      expect([undefined, 'NOT_FOUND']).toContain(errorCode(resumed));
      expect((await row(h.slug))!.status).toBe('DELETED');
      expect(errorCode(await gw.gql(MeDocument, {}, h))).toBe('TENANT_NOT_FOUND');
      expect((await runCli(gw.databaseUrl, ['purge-tenant', h.slug, '--force'])).code).toBe(0);
    }
  });
});
