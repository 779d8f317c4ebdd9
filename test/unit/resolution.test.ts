import { TenantStatus, Isolation, Plan, type TenantRecord } from '../../src/tenancy';
import { TenantResolver } from '../../src/tenancy/resolution/resolver';
import type { MikroORM } from '@mikro-orm/core';
import { CatalogTenantStore, type TenantStore } from '../../src/tenancy/resolution/tenant-store';
import { DomainError } from '../../src/errors';

function tenant(slug: string, id: string, status = TenantStatus.ACTIVE, domains: string[] = []): TenantRecord {
  return { id, slug, name: slug, isolation: Isolation.SHARED, plan: Plan.BASIC, status, placement: { server: 'main', database: 'db', schema: 's' }, domains, createdAt: new Date(0), maxUsers: null, maxAssets: null };
}

const ACME = tenant('acme', '11111111-1111-4111-8111-111111111111', TenantStatus.ACTIVE, ['care.acme.org']);
const BETA = tenant('beta', '22222222-2222-4222-8222-222222222222');
const SLEEPY = tenant('sleepy', '33333333-3333-4333-8333-333333333333', TenantStatus.SUSPENDED);
const GONE = tenant('gone', '44444444-4444-4444-8444-444444444444', TenantStatus.DELETED);
const ALL = [ACME, BETA, SLEEPY, GONE];

/** An in-memory catalog: resolution is pure logic over the store interface. */
const store: TenantStore = {
  bySlug: async (slug) => ALL.find((t) => t.slug === slug) ?? null,
  byId: async (id) => ALL.find((t) => t.id === id) ?? null,
  byDomain: async (host) => ALL.find((t) => t.domains.includes(host)) ?? null,
};
const resolver = new TenantResolver(store, 'sovereign.health');

type Case = [string, { host?: string; path?: string; header?: string }, string | null];

const CASES: Case[] = [
  ['bare base domain', { host: 'sovereign.health' }, 'central'],
  ['localhost with port', { host: 'localhost:4000' }, 'central'],
  ['IPv4 address', { host: '127.0.0.1:4000' }, 'central'],
  ['IPv6 address', { host: '[::1]:4000' }, 'central'],
  ['www on the base domain', { host: 'www.sovereign.health' }, 'central'],
  ['subdomain', { host: 'acme.sovereign.health' }, 'acme'],
  ['subdomain, upper case and port', { host: 'ACME.Sovereign.Health:443' }, 'acme'],
  ['path', { host: 'localhost', path: '/t/acme/graphql' }, 'acme'],
  ['custom domain', { host: 'care.acme.org' }, 'acme'],
  ['header slug', { host: 'localhost', header: 'beta' }, 'beta'],
  ['header id', { host: 'localhost', header: BETA.id }, 'beta'],
  ['path and agreeing header', { path: '/t/acme/graphql', header: ACME.id }, 'acme'],
  ['path and agreeing subdomain', { host: 'acme.sovereign.health', path: '/t/acme/graphql' }, 'acme'],
  ['custom domain and agreeing header', { host: 'care.acme.org', header: 'acme' }, 'acme'],
  ['path and header disagree', { path: '/t/acme/graphql', header: 'beta' }, 'TENANT_MISMATCH'],
  ['subdomain and path disagree', { host: 'beta.sovereign.health', path: '/t/acme/graphql' }, 'TENANT_MISMATCH'],
  ['custom domain and header disagree', { host: 'care.acme.org', header: 'beta' }, 'TENANT_MISMATCH'],
  ['unknown slug in path', { path: '/t/nobody/graphql' }, 'TENANT_NOT_FOUND'],
  ['unknown subdomain', { host: 'nobody.sovereign.health' }, 'TENANT_NOT_FOUND'],
  ['unknown custom domain', { host: 'evil.example.com' }, 'TENANT_NOT_FOUND'],
  ['unknown header', { header: 'nobody' }, 'TENANT_NOT_FOUND'],
  ['empty path slug', { path: '/t//graphql' }, 'TENANT_NOT_FOUND'],
  ['deleted hospital', { path: '/t/gone/graphql' }, 'TENANT_NOT_FOUND'],
  ['suspended hospital', { path: '/t/sleepy/graphql' }, 'TENANT_SUSPENDED'],
  ['known path, unknown header', { path: '/t/acme/graphql', header: 'nobody' }, 'TENANT_NOT_FOUND'],
  ['injection in header', { header: "acme' or '1'='1" }, 'TENANT_NOT_FOUND'],
];

describe('tenant resolution', () => {
  it.each(CASES)('%s → %s', async (_name, request, expected) => {
    const digest = { host: request.host, path: request.path ?? '/graphql', headers: request.header ? { 'x-tenant-id': request.header } : {} };
    const outcome = await resolver.resolve(digest).then(
      (t) => t?.slug ?? 'central',
      (e: unknown) => (e instanceof DomainError ? e.code : `unexpected ${String(e)}`),
    );
    expect(outcome).toBe(expected);
  });
});

describe('catalog tenant store', () => {
  // A catalog that fails the test if it is read at all.
  const unread = new CatalogTenantStore({ em: { fork: () => { throw new Error('the catalog was read'); } } } as unknown as MikroORM);

  it.each([['a NUL character', 'al\u0000pha'], ['a quote', "acme' or '1'='1"], ['upper case', 'Acme'], ['a path', '../etc']])(
    'finds no hospital for a slug with %s, without reading the catalog',
    async (_name, slug) => {
      expect(await unread.bySlug(slug)).toBeNull();
    },
  );

  it('reads the catalog for a slug a hospital could have', async () => {
    await expect(unread.bySlug('acme')).rejects.toThrow('the catalog was read');
  });
});
