import { errorCode, TestGateway } from '../fixtures/gateway';
import { createStaff, type Hospital, type Staff } from '../fixtures/identity';
import { DeactivateUserDocument, MeDocument, SetUserRolesDocument, UpdateProfileDocument, UsersDocument } from './generated/graphql';

describe('privilege escalation', () => {
  let gw: TestGateway;
  let hospital: Hospital;
  let admin: { id: string; token: string };
  let doctor: Staff;

  async function rolesOf(id: string): Promise<string[] | undefined> {
    const list = await gw.gql(UsersDocument, { first: 100 }, hospital);
    return list.data?.users.edges.find((e) => e.node.id === id)?.node.roles ?? undefined;
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    hospital = await gw.createTenant({ slug: 'escalation-general' });
    const me = await gw.gql(MeDocument, {}, hospital);
    admin = { id: me.data!.me!.id, token: hospital.token };
    doctor = await createStaff(gw, hospital, 'DOCTOR');
  });
  afterAll(() => gw.stop());

  it('refuses a doctor who tries to make themselves ADMIN, and changes nothing', async () => {
    const result = await gw.gql(SetUserRolesDocument, { id: doctor.id, roles: ['ADMIN'] }, { slug: hospital.slug, token: doctor.token });
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(await rolesOf(doctor.id)).toEqual(['DOCTOR']);
  });

  it('refuses an ADMIN who changes their own roles, even to add one', async () => {
    const result = await gw.gql(SetUserRolesDocument, { id: admin.id, roles: ['ADMIN', 'DOCTOR'] }, hospital);
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(await rolesOf(admin.id)).toEqual(['ADMIN']);
  });

  it('refuses an ADMIN granting SUPERADMIN: it is not a hospital role, so the request is invalid and nothing changes', async () => {
    const response = await gw.raw(
      `/t/${hospital.slug}/graphql`,
      { query: 'mutation($id: ID!) { setUserRoles(id: $id, roles: [SUPERADMIN]) { id } }', variables: { id: doctor.id } },
      { authorization: `Bearer ${hospital.token}` },
    );
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    const viaVariable = await gw.raw(
      `/t/${hospital.slug}/graphql`,
      { query: 'mutation($id: ID!, $roles: [TenantRole!]!) { setUserRoles(id: $id, roles: $roles) { id } }', variables: { id: doctor.id, roles: ['SUPERADMIN'] } },
      { authorization: `Bearer ${hospital.token}` },
    );
    expect(((await viaVariable.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(await rolesOf(doctor.id)).toEqual(['DOCTOR']);
  });

  it.each([
    ['tenantId', '{ displayName: "Mallory", tenantId: "00000000-0000-4000-8000-000000000000" }'],
    ['roles', '{ displayName: "Mallory", roles: [ADMIN] }'],
    ['email', '{ displayName: "Mallory", email: "mallory@evil.test" }'],
  ])('refuses a profile update that also sends %s, and changes nothing', async (_field, input) => {
    const response = await gw.raw(`/t/${hospital.slug}/graphql`, { query: `mutation { updateProfile(input: ${input}) { id roles } }` }, { authorization: `Bearer ${doctor.token}` });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    const me = await gw.gql(MeDocument, {}, { slug: hospital.slug, token: doctor.token });
    expect(me.data?.me).toMatchObject({ displayName: '', roles: ['DOCTOR'], tenant: { slug: hospital.slug } });
  });

  it('lets a user change their own display name and nothing else through their profile', async () => {
    const result = await gw.gql(UpdateProfileDocument, { input: { displayName: '  Dr Who  ' } }, { slug: hospital.slug, token: doctor.token });
    expect(result.data?.updateProfile).toMatchObject({ displayName: 'Dr Who', roles: ['DOCTOR'] });
  });

  it('keeps the last active ADMIN: no demotion and no deactivation of them, even by a platform admin', async () => {
    const platform = await gw.platformToken();
    const demote = await gw.gql(SetUserRolesDocument, { id: admin.id, roles: ['DOCTOR'] }, { slug: hospital.slug, token: platform });
    expect(errorCode(demote)).toBe('CONFLICT');
    const deactivate = await gw.gql(DeactivateUserDocument, { id: admin.id }, { slug: hospital.slug, token: platform });
    expect(errorCode(deactivate)).toBe('CONFLICT');
    expect(await rolesOf(admin.id)).toEqual(['ADMIN']);
  });

  it('lets only one of two ADMINs who demote each other at the same moment succeed', async () => {
    const second = await createStaff(gw, hospital, 'ADMIN', 'second.admin@escalation-general.test');
    const results = await Promise.all([
      gw.gql(SetUserRolesDocument, { id: second.id, roles: ['NURSE'] }, hospital),
      gw.gql(SetUserRolesDocument, { id: admin.id, roles: ['NURSE'] }, { slug: hospital.slug, token: second.token }),
    ]);
    // The loser is refused either by the lock (CONFLICT) or, if the winner committed first, as no longer an ADMIN.
    expect(results.filter((r) => errorCode(r) === undefined)).toHaveLength(1);
    expect(results.map(errorCode).filter(Boolean)).toEqual([expect.stringMatching(/^(CONFLICT|FORBIDDEN)$/)]);
    const list = await gw.gql(UsersDocument, { first: 100 }, { slug: hospital.slug, token: await gw.platformToken() });
    const admins = list.data?.users.edges.filter((e) => e.node.roles?.includes('ADMIN') && e.node.active) ?? [];
    expect(admins).toHaveLength(1);
  });
});
