import { join } from 'node:path';
import { Isolation } from '../../../src/tenancy';
import { ApiKeysDocument, CreateApiKeyDocument, MeDocument, RefreshTokenDocument } from '../../e2e/generated/graphql';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../../fixtures/gateway';
import { apiKeyHeaders, createKey, createStaff, signIn, type Staff } from '../../fixtures/identity';
import { archiveDir } from '../../fixtures/transfer';

describe('an imported copy of a hospital and the original hospital’s credentials', () => {
  let gw: TestGateway;
  const file = join(archiveDir(), 'keyholder.sovereign.gz');
  let source: { id: string; slug: string; token: string };
  let key: string;
  let nurse: Staff;

  beforeAll(async () => {
    gw = await TestGateway.start();
    source = await gw.createTenant({ slug: 'keyholder', isolation: Isolation.SCHEMA });
    key = (await createKey(gw, source, 'NURSE', 'ward monitor')).key;
    nurse = await createStaff(gw, source, 'NURSE');
    await gw.tenancy.transfer.export(source.slug, file);
  }, 60_000);
  afterAll(() => gw.stop());

  it.each([Isolation.SCHEMA, Isolation.SHARED, Isolation.DATABASE])(
    'honours none of them in a %s copy, where the same people sign in with their passwords and the original keeps working',
    async (isolation) => {
      const slug = `copy-${isolation.toLowerCase()}`;
      await gw.tenancy.transfer.import(file, { slug, isolation });

      expect(errorCode(await gw.gql(MeDocument, {}, { slug, headers: apiKeyHeaders(key) }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await gw.gql(RefreshTokenDocument, { refreshToken: nurse.refreshToken }, { slug }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await gw.gql(MeDocument, {}, { slug, token: nurse.token }))).toBe('UNAUTHENTICATED');

      // The copy lists the key it was given, revoked, so its name can be given to a new key there.
      const admin = { slug, token: await gw.login(`admin@${source.slug}.test`, STAFF_PASSWORD, slug) };
      const keys = (await gw.gql(ApiKeysDocument, {}, admin)).data!.apiKeys.edges.map((e) => e.node);
      expect(keys).toEqual([expect.objectContaining({ name: 'ward monitor', revokedAt: expect.any(String) })]);
      expect((await gw.gql(CreateApiKeyDocument, { input: { name: 'ward monitor', role: 'NURSE' } }, admin)).errors).toBeUndefined();
      expect((await signIn(gw, nurse.email, STAFF_PASSWORD, slug)).user.tenant?.slug).toBe(slug);

      expect((await gw.gql(MeDocument, {}, { slug: source.slug, headers: apiKeyHeaders(key) })).data?.me?.tenant?.slug).toBe(source.slug);
      expect((await gw.gql(MeDocument, {}, { slug: source.slug, token: nurse.token })).data?.me?.tenant?.slug).toBe(source.slug);
    },
  );

  it('leaves the original’s refresh tokens working', async () => {
    const refreshed = await gw.gql(RefreshTokenDocument, { refreshToken: nurse.refreshToken }, { slug: source.slug });
    expect(refreshed.data?.refreshToken.user.tenant?.slug).toBe(source.slug);
  });
});
