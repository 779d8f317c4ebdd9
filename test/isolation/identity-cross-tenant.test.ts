import type { Isolation } from '../e2e/generated/graphql';
import { ChangePasswordDocument, LoginDocument, MeDocument, PatientsDocument, RefreshTokenDocument, UsersDocument } from '../e2e/generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { apiKeyHeaders, createKey, createStaff, type Hospital, type Staff } from '../fixtures/identity';

const MODES: Isolation[] = ['SHARED', 'SCHEMA', 'DATABASE'];

describe.each(MODES)('credentials of hospital A at hospital B, in %s isolation', (mode) => {
  let gw: TestGateway;
  let a: Hospital;
  let b: Hospital;
  let aDoctor: Staff;
  let aKey: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    a = await gw.createTenant({ slug: 'ident-a', isolation: mode });
    b = await gw.createTenant({ slug: 'ident-b', isolation: mode });
    aDoctor = await createStaff(gw, a, 'DOCTOR', 'same.person@example.org');
    aKey = (await createKey(gw, a, 'RECEPTIONIST')).key;
  });
  afterAll(() => gw.stop());

  it('refuses A’s access token at B', async () => {
    const result = await gw.gql(PatientsDocument, {}, { slug: b.slug, token: aDoctor.token });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it('refuses A’s refresh token at B and on the platform host, and it still works at A afterwards', async () => {
    const atB = await gw.gql(RefreshTokenDocument, { refreshToken: aDoctor.refreshToken }, { slug: b.slug });
    expect(errorCode(atB)).toBe('UNAUTHENTICATED');
    const central = await gw.gql(RefreshTokenDocument, { refreshToken: aDoctor.refreshToken }, {});
    expect(errorCode(central)).toBe('UNAUTHENTICATED');
    const atA = await gw.gql(RefreshTokenDocument, { refreshToken: aDoctor.refreshToken }, { slug: a.slug });
    expect(atA.data?.refreshToken.user.email).toBe('same.person@example.org');
  });

  it.each([
    ['Authorization: ApiKey', (key: string) => apiKeyHeaders(key)],
    ['X-API-Key', (key: string) => ({ 'x-api-key': key })],
  ])('refuses A’s API key at B (%s), and on the platform host', async (_how, headers) => {
    expect(errorCode(await gw.gql(PatientsDocument, {}, { slug: a.slug, headers: headers(aKey) }))).toBeUndefined();
    expect(errorCode(await gw.gql(PatientsDocument, {}, { slug: b.slug, headers: headers(aKey) }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gw.gql(MeDocument, {}, { headers: headers(aKey) }))).toBe('UNAUTHENTICATED');
  });

  it('keeps the same email in A and B as two separate users with their own passwords and roles', async () => {
    const bPerson = await createStaff(gw, b, 'BILLING', 'same.person@example.org');
    expect(bPerson.id).not.toBe(aDoctor.id);
    const meA = await gw.gql(MeDocument, {}, { slug: a.slug, token: aDoctor.token });
    const meB = await gw.gql(MeDocument, {}, { slug: b.slug, token: bPerson.token });
    expect(meA.data?.me).toMatchObject({ id: aDoctor.id, roles: ['DOCTOR'], tenant: { slug: a.slug } });
    expect(meB.data?.me).toMatchObject({ id: bPerson.id, roles: ['BILLING'], tenant: { slug: b.slug } });
    const bUsers = await gw.gql(UsersDocument, { first: 100 }, b);
    expect(bUsers.data?.users.edges.map((e) => e.node.id)).not.toContain(aDoctor.id);
  });

  it('signs a user in only where their account lives: A’s password does not open B’s account of the same email', async () => {
    const changed = await gw.gql(ChangePasswordDocument, { input: { currentPassword: aDoctor.password, newPassword: 'a password only hospital a knows' } }, { slug: a.slug, token: aDoctor.token });
    expect(changed.data?.changePassword).toBe(true);
    const atB = await gw.gql(LoginDocument, { email: 'same.person@example.org', password: 'a password only hospital a knows' }, { slug: b.slug });
    expect(errorCode(atB)).toBe('UNAUTHENTICATED');
    const atA = await gw.gql(LoginDocument, { email: 'same.person@example.org', password: 'a password only hospital a knows' }, { slug: a.slug });
    expect(atA.data?.login.user.roles).toEqual(['DOCTOR']);
  });
});
