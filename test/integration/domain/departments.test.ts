import { AssignStaffDocument, CreateDepartmentDocument, DeactivateUserDocument, DepartmentDocument } from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { addStaff } from '../../fixtures/staff';

describe('departments', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'departments' });
  });
  afterAll(() => gw.stop());

  it('assigns an active user to a department and refuses a deactivated one with BAD_USER_INPUT, assigning nothing', async () => {
    const departmentId = (await gw.gql(CreateDepartmentDocument, { input: { name: 'Radiology', code: 'RAD' } }, admin)).data!.createDepartment.id;
    const nurse = await addStaff(gw, admin.slug, 'NURSE');
    const leaver = await addStaff(gw, admin.slug, 'DOCTOR', 'leaver');
    expect((await gw.gql(DeactivateUserDocument, { id: leaver.id }, admin)).errors).toBeUndefined();
    const assigned = await gw.gql(AssignStaffDocument, { input: { userId: nurse.id, departmentId, jobTitle: 'Staff nurse' } }, admin);
    expect(assigned.errors).toBeUndefined();
    const refused = await gw.gql(AssignStaffDocument, { input: { userId: leaver.id, departmentId, jobTitle: 'Radiologist' } }, admin);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.fields).toEqual({ userId: 'is deactivated' });
    const staff = (await gw.gql(DepartmentDocument, { id: departmentId }, admin)).data?.department?.staff;
    expect(staff?.map((s) => s.user.id)).toEqual([nurse.id]);
  });
});
