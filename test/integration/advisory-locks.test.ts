import type { EntityManager } from '@mikro-orm/postgresql';
import { lockTenantScope } from '../../src/tenancy';
import { MAIN_SERVER } from '../../src/tenancy/placement';
import { ProvisioningLock } from '../../src/tenancy/provisioning-lock';
import { TENANT_FILTER } from '../../src/tenancy/tenant-scoped';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

/**
 * Pairs of hospital ids whose lock keys collide under PostgreSQL's 32-bit `hashtext` (found by drawing
 * random ids; with 10,000 hospitals some two of them collide in about one deployment in six).
 */
const PROVISIONING_COLLISION = ['c53526f8-083a-46ff-849a-43b12a89a9cf', '8cb7c4c2-3aa8-4a49-9475-c6b94e1c8037'] as const;
const SETTINGS_COLLISION = ['ff275567-03dd-4fdd-8df4-a4c47e742dab', '39f114b0-a753-4a58-b701-ef561ec453fd'] as const;

describe('advisory locks of one hospital never hold up another', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  it('uses ids that collide under a 32-bit hash', async () => {
    const [row] = await ownerQuery<{ provisioning: boolean; settings: boolean }>(
      'select hashtext($1) = hashtext($2) as provisioning, hashtext($3) = hashtext($4) as settings',
      [...PROVISIONING_COLLISION.map((id) => `sovereign-provisioning:${id}`), ...SETTINGS_COLLISION.map((id) => `hospital-settings:${id}`)],
    );
    expect(row).toEqual({ provisioning: true, settings: true });
  });

  it('provisioning: one hospital’s lock leaves another’s free', async () => {
    const url = gw.tenancy.servers.ownerUrl(MAIN_SERVER);
    const first = await ProvisioningLock.take(url, PROVISIONING_COLLISION[0]);
    try {
      expect(first).not.toBeNull();
      const second = await ProvisioningLock.take(url, PROVISIONING_COLLISION[1]);
      expect(second).not.toBeNull();
      await second?.release();
    } finally {
      await first?.release();
    }
  });

  it('lockTenantScope: a hospital’s scope lock does not wait for the same scope of another hospital', async () => {
    // A transaction bound to a hospital (only its id matters to the lock), in the main database.
    const bound = (tenantId: string, work: (em: EntityManager) => Promise<void>) =>
      (gw.tenancy.central.em.fork() as EntityManager).transactional(async (em) => {
        em.setFilterParams(TENANT_FILTER, { id: tenantId });
        await em.getConnection().execute("set local lock_timeout = '2s'", [], 'run', em.getTransactionContext());
        await work(em);
      });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const first = bound(SETTINGS_COLLISION[0], async (em) => {
      await lockTenantScope(em, 'hospital-settings');
      holding();
      await released;
    });
    await held;
    try {
      await expect(bound(SETTINGS_COLLISION[1], (em) => lockTenantScope(em, 'hospital-settings'))).resolves.toBeUndefined();
    } finally {
      release();
      await first;
    }
  });
});
