import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { Plan, TenantStatus } from '../../src/tenancy';
import { changeTenantLimits } from '../../src/modules/platform/tenant-limits.service';
import { changeTenantPlan } from '../../src/modules/platform/tenant-plan.service';

const LONG_AGO = '2000-01-01T00:00:00Z';

describe('every lifecycle change of a hospital stamps its catalog entry’s updated_at', () => {
  let gw: TestGateway;
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const age = (slug: string) => ownerQuery('update catalog.tenants set updated_at = $2 where slug = $1', [slug, LONG_AGO], db());
  const updatedAt = async (slug: string) => new Date((await ownerQuery<{ updated_at: Date }>('select updated_at from catalog.tenants where slug = $1', [slug], db()))[0]!.updated_at);

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'stamped' });
  });
  afterAll(() => gw.stop());

  it.each<[string, () => Promise<unknown>]>([
    ['suspend', () => gw.tenancy.provisioner.setStatus('stamped', TenantStatus.SUSPENDED)],
    ['resume', () => gw.tenancy.provisioner.setStatus('stamped', TenantStatus.ACTIVE)],
    ['plan change', () => changeTenantPlan(gw.tenancy, 'stamped', Plan.BASIC)],
    ['limits change', () => changeTenantLimits(gw.tenancy, 'stamped', { maxUsers: 7 })],
    ['legal hold', () => gw.tenancy.lifecycle.setLegalHold('stamped', true, 'case 1')],
    ['delete', () => gw.tenancy.lifecycle.softDelete('stamped')],
  ])('on %s', async (_what, change) => {
    await age('stamped');
    const before = Date.now();
    await change();
    expect((await updatedAt('stamped')).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });
});
