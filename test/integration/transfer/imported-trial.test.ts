import { join } from 'node:path';
import { Isolation, Plan } from '../../../src/tenancy';
import { Tenant } from '../../../src/tenancy/catalog';
import { STAFF_PASSWORD, TestGateway } from '../../fixtures/gateway';
import { archiveDir } from '../../fixtures/transfer';
import { CreatePatientDocument } from '../../e2e/generated/graphql';

/** A hospital has one trial (see changeTenantPlan): an imported copy keeps it, ended or not. */
describe('an imported copy of a hospital and its trial', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
  }, 60_000);
  afterAll(() => gw.stop());

  const trialEnd = async (slug: string) => (await gw.tenancy.central.em.fork().findOneOrFail(Tenant, { slug })).trialEndsAt;

  it('keeps the end of a trial that has ended: the copy is read-only, as the original is', async () => {
    const source = await gw.createTenant({ slug: 'trial-ended', isolation: Isolation.SCHEMA, plan: Plan.TRIAL });
    const ended = new Date(Date.now() - 86_400_000);
    await gw.tenancy.central.em.fork().nativeUpdate(Tenant, { slug: source.slug }, { trialEndsAt: ended });
    const file = join(archiveDir(), 'trial-ended.sovereign.gz');
    await gw.tenancy.transfer.export(source.slug, file);

    const copy = await gw.tenancy.transfer.import(file, { slug: 'trial-ended-copy', isolation: Isolation.SHARED });

    expect(copy.plan).toBe(Plan.TRIAL);
    expect((await trialEnd(copy.slug))?.toISOString()).toBe(ended.toISOString());
    const token = await gw.login(`admin@${source.slug}.test`, STAFF_PASSWORD, copy.slug);
    const write = await gw.gql(CreatePatientDocument, { input: { firstName: 'Ada', lastName: 'Byron', birthDate: '1990-01-01' } }, { slug: copy.slug, token });
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'PLAN_LIMIT_REACHED', reason: 'TRIAL_EXPIRED' });
  });

  it('keeps the record of a trial a hospital on a paid plan had, so the copy cannot start another', async () => {
    const source = await gw.createTenant({ slug: 'trial-then-paid', isolation: Isolation.SCHEMA, plan: Plan.TRIAL });
    await gw.tenancy.central.em.fork().nativeUpdate(Tenant, { slug: source.slug }, { plan: Plan.BASIC });
    const had = await trialEnd(source.slug);
    const file = join(archiveDir(), 'trial-then-paid.sovereign.gz');
    await gw.tenancy.transfer.export(source.slug, file);

    const copy = await gw.tenancy.transfer.import(file, { slug: 'trial-then-paid-copy', isolation: Isolation.SCHEMA });

    expect(copy.plan).toBe(Plan.BASIC);
    expect((await trialEnd(copy.slug))?.toISOString()).toBe(had?.toISOString());
  });
});
