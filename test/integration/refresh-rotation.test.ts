import type { RequestContext } from '../../src/context';
import { hospitalAccounts, platformAccounts } from '../../src/modules/session/account-context';
import type { AccountStore } from '../../src/modules/session/accounts';
import { User } from '../../src/modules/users/user.entity';
import { runInTenant, TenantSession, type TenantRecord } from '../../src/tenancy';
import { PlatformUser } from '../../src/tenancy/catalog';
import { ownerQuery } from '../fixtures/database';
import { ADMIN, TestGateway } from '../fixtures/gateway';

const TTL = 3600;
/** A use that waits for itself (its own row lock, or a second connection from a one-connection pool) never ends. */
const WAITS_FOR_ITSELF = 5_000;

/**
 * AccountStore.rotate raced against itself, each use in a request-like unit of work (the hospital's
 * bound transaction, or the platform's catalog EntityManager) committed when it won and rolled back
 * when it lost, as the session plugin does.
 */
describe('refresh-token rotation under concurrent use', () => {
  let gw: TestGateway;
  let tenant: TenantRecord;
  let hospitalUserId: string;
  let platformUserId: string;

  const database = () => new URL(gw.databaseUrl).pathname.slice(1);

  /** One request's context and its account store, in the hospital or on the platform. */
  async function request(kind: 'hospital' | 'platform'): Promise<{ store: AccountStore; end(commit: boolean): Promise<void> }> {
    const session = kind === 'hospital' ? gw.tenancy.session(tenant) : null;
    const ctx = { tenant: session ? tenant : null, session, services: gw.app.services } as unknown as RequestContext;
    const store = kind === 'hospital' ? await hospitalAccounts(ctx) : platformAccounts(ctx);
    return { store, end: async (commit) => session?.end(commit) };
  }

  async function openSession(kind: 'hospital' | 'platform'): Promise<string> {
    const { store, end } = await request(kind);
    const account = (await store.findById(kind === 'hospital' ? hospitalUserId : platformUserId))!;
    const opened = (await store.openSession(account, false, TTL))!;
    await end(true);
    return opened.refreshToken;
  }

  async function use(kind: 'hospital' | 'platform', refreshToken: string): Promise<string | null> {
    const { store, end } = await request(kind);
    try {
      const rotated = await store.rotate(refreshToken, TTL);
      await end(rotated !== null);
      return rotated?.refreshToken ?? null;
    } catch (error) {
      await end(false);
      throw error;
    }
  }

  async function revokedAt(kind: 'hospital' | 'platform', refreshToken: string): Promise<Date | null> {
    const table = kind === 'hospital' ? 'tenants_shared.auth_sessions' : 'catalog.platform_sessions';
    const rows = await ownerQuery<{ revoked_at: Date | null }>(`select revoked_at from ${table} where id = $1`, [refreshToken.split('.')[0]], database());
    return rows[0]!.revoked_at;
  }

  beforeAll(async () => {
    // One connection per pool: a request that wrote apart while holding its own would wait for itself.
    gw = await TestGateway.start({ DB_POOL_SIZE: '1' });
    await gw.createTenant({ slug: 'rotation' });
    tenant = (await gw.tenancy.store.bySlug('rotation'))!;
    hospitalUserId = await runInTenant(gw.tenancy.pools, tenant, async (em) => (await em.findOneOrFail(User, { email: 'admin@rotation.test' })).id);
    platformUserId = (await gw.tenancy.central.em.fork().findOneOrFail(PlatformUser, { email: ADMIN.email })).id;
  });
  afterAll(() => gw.stop());

  it.each([
    ['hospital', 2],
    ['hospital', 3],
    ['hospital', 10],
    ['platform', 3],
    ['platform', 10],
  ] as const)('gives one of %s concurrent uses (%i) the next token, refuses the others at once and revokes the session', async (kind, n) => {
    const token = await openSession(kind);
    const started = Date.now();
    const outcomes = await Promise.allSettled(Array.from({ length: n }, () => use(kind, token)));
    expect(Date.now() - started).toBeLessThan(2_500); // the statement timeout is 5 s
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const next = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value] : []));
    expect(next).toHaveLength(1);
    expect(await revokedAt(kind, token)).toBeInstanceOf(Date);
    expect(await use(kind, next[0]!)).toBeNull();
    const idle = await ownerQuery<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1 and state like 'idle in transaction%'", [database()]);
    expect(idle[0]!.n).toBe(0);
  }, WAITS_FOR_ITSELF);

  it('revokes the session when a request presents the token its own transaction just spent', async () => {
    const token = await openSession('hospital');
    const { store, end } = await request('hospital');
    expect(await store.rotate(token, TTL)).not.toBeNull();
    expect(await store.rotate(token, TTL)).toBeNull();
    await end(false);
    expect(await revokedAt('hospital', token)).toBeInstanceOf(Date);
  }, WAITS_FOR_ITSELF);

  it('revokes the session of a replayed token even when rolling the request back fails (its connection lost)', async () => {
    const token = await openSession('hospital');
    expect(await use('hospital', token)).not.toBeNull();
    const { store, end } = await request('hospital');
    // The transaction ends (its connection gone with it), and the rollback reports the loss.
    const realEnd = TenantSession.prototype.end;
    const rollback = jest.spyOn(TenantSession.prototype, 'end').mockImplementationOnce(async function (this: TenantSession, commit: boolean) {
      await realEnd.call(this, commit);
      throw new Error('Connection terminated unexpectedly');
    });
    try {
      expect(await store.rotate(token, TTL)).toBeNull();
      expect(rollback).toHaveBeenCalledWith(false);
    } finally {
      rollback.mockRestore();
      await end(false);
    }
    expect(await revokedAt('hospital', token)).toBeInstanceOf(Date);
  }, WAITS_FOR_ITSELF);
});
