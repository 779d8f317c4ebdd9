import { Isolation, Plan, TenantStatus, type TenantRecord } from '../../src/tenancy';
import { CachedTenantStore, type TenantStore } from '../../src/tenancy/resolution/tenant-store';

const ACME: TenantRecord = {
  id: '11111111-1111-4111-8111-111111111111', slug: 'acme', name: 'Acme', isolation: Isolation.SHARED, plan: Plan.BASIC,
  status: TenantStatus.ACTIVE, placement: { server: 'main', database: 'db', schema: 's' }, domains: ['care.acme.org'], createdAt: new Date(0),
  maxUsers: null, maxAssets: null,
};

describe('cached tenant store', () => {
  let loads: number;
  let current: TenantRecord | null;
  const inner: TenantStore = {
    bySlug: async () => (loads++, current),
    byId: async () => (loads++, current),
    byDomain: async () => (loads++, current),
  };

  beforeEach(() => {
    loads = 0;
    current = ACME;
  });

  it('serves repeated lookups from the cache', async () => {
    const cache = new CachedTenantStore(inner);
    await cache.bySlug('acme');
    await cache.bySlug('acme');
    expect(loads).toBe(1);
  });

  it('drops every identifier of a hospital at once when it changes', async () => {
    const cache = new CachedTenantStore(inner);
    await cache.bySlug('acme');
    await cache.byId(ACME.id);
    await cache.byDomain('care.acme.org');
    current = { ...ACME, status: TenantStatus.SUSPENDED };
    cache.invalidate(ACME.id);
    expect((await cache.bySlug('acme'))?.status).toBe(TenantStatus.SUSPENDED);
    expect((await cache.byId(ACME.id))?.status).toBe(TenantStatus.SUSPENDED);
    expect((await cache.byDomain('care.acme.org'))?.status).toBe(TenantStatus.SUSPENDED);
    expect(loads).toBe(6);
  });

  it('does not cache a lookup that was reading the catalog when the hospital changed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: TenantStore = {
      ...inner,
      bySlug: async () => {
        const read = current; // what the catalog said when the lookup read it
        await gate;
        return read;
      },
    };
    const cache = new CachedTenantStore(slow);
    const inFlight = cache.bySlug('acme');
    current = { ...ACME, status: TenantStatus.SUSPENDED };
    cache.invalidate(ACME.id);
    release();
    expect((await inFlight)?.status).toBe(TenantStatus.ACTIVE);
    expect((await cache.bySlug('acme'))?.status).toBe(TenantStatus.SUSPENDED);
  });

  it('still caches a lookup that was in flight while another hospital changed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: TenantStore = { ...inner, bySlug: async () => (await gate, loads++, current) };
    const cache = new CachedTenantStore(slow);
    const inFlight = cache.bySlug('acme');
    cache.invalidate('22222222-2222-4222-8222-222222222222');
    release();
    await inFlight;
    await cache.bySlug('acme');
    expect(loads).toBe(1);
  });

  it('does not remember misses, so a new hospital is found at once', async () => {
    const cache = new CachedTenantStore(inner);
    current = null;
    expect(await cache.bySlug('acme')).toBeNull();
    current = ACME;
    expect(await cache.bySlug('acme')).toEqual(ACME);
  });
});
