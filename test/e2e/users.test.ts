import { errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { createStaff, signIn, type Hospital } from '../fixtures/identity';
import { CreateUserDocument, SetUserRolesDocument, UsersDocument, type UsersQuery } from './generated/graphql';
import type { GqlResult } from '../fixtures/gateway';

describe('user management', () => {
  let gw: TestGateway;
  let hospital: Hospital;

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'users-general' });
  });
  afterAll(() => gw.stop());

  it('creates a user with one role, who can then sign in', async () => {
    const created = await gw.gql(CreateUserDocument, { input: { email: ' New.Nurse@Users-General.test ', password: STAFF_PASSWORD, role: 'NURSE', displayName: 'New Nurse' } }, hospital);
    expect(created.data?.createUser).toMatchObject({ email: 'new.nurse@users-general.test', roles: ['NURSE'], active: true, mfaEnabled: false, displayName: 'New Nurse' });
    expect((await signIn(gw, 'new.nurse@users-general.test', STAFF_PASSWORD, hospital.slug)).user.roles).toEqual(['NURSE']);
  });

  it.each([
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['a short password', { password: 'short' }, 'password'],
    ['the email as password', { email: 'same@users-general.test', password: 'same@users-general.test' }, 'password'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_why, change, field) => {
    const result = await gw.gql(CreateUserDocument, { input: { email: 'ok@users-general.test', password: STAFF_PASSWORD, role: 'NURSE', ...change } }, hospital);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(Object.keys(result.errors?.[0]?.extensions?.fields as object)).toContain(field);
  });

  it('refuses a second user with the same email in the same hospital', async () => {
    await createStaff(gw, hospital, 'BILLING', 'twice@users-general.test');
    const again = await gw.gql(CreateUserDocument, { input: { email: 'TWICE@users-general.test', password: STAFF_PASSWORD, role: 'NURSE' } }, hospital);
    expect(errorCode(again)).toBe('CONFLICT');
  });

  it('gives a user several roles, each counted once', async () => {
    const doctor = await createStaff(gw, hospital, 'DOCTOR', 'chief@users-general.test');
    const result = await gw.gql(SetUserRolesDocument, { id: doctor.id, roles: ['DOCTOR', 'ADMIN', 'DOCTOR'] }, hospital);
    expect(result.data?.setUserRoles.roles).toEqual(['DOCTOR', 'ADMIN']);
    expect(errorCode(await gw.gql(SetUserRolesDocument, { id: doctor.id, roles: [] }, hospital))).toBe('BAD_USER_INPUT');
  });

  it('lists the hospital’s users in pages, by email', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const page: GqlResult<UsersQuery> = await gw.gql(UsersDocument, { first: 2, after }, hospital);
      seen.push(...page.data!.users.edges.map((e) => e.node.email!));
      if (!page.data!.users.pageInfo.hasNextPage) break;
      after = page.data!.users.pageInfo.endCursor ?? null;
    }
    expect(seen).toEqual([...seen].sort());
    expect(seen).toContain('admin@users-general.test');
    expect(new Set(seen).size).toBe(seen.length);
  });
});
