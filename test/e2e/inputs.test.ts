import { Cursor } from '@mikro-orm/core';
import {
  ApiKeysDocument, AppointmentsDocument, AuditLogDocument, CreateDepartmentDocument, DepartmentsDocument, EncountersDocument,
  InvoicesDocument, LabOrdersDocument, TenantsDocument, UsersDocument,
} from './generated/graphql';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';
import { addPatient } from '../fixtures/staff';

/** The fields a BAD_USER_INPUT names (and fails the test for any other answer). */
function badFields(result: GqlResult<unknown>): string[] {
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return Object.keys((result.errors?.[0]?.extensions?.fields ?? {}) as object);
}

describe('input checks over HTTP', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let patientId: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'inputs' });
    patientId = await addPatient(gw, admin, 'Checked');
  });
  afterAll(() => gw.stop());

  describe('nested filters', () => {
    it('checks the lab order filter’s patient id', async () => {
      expect(badFields(await gw.gql(LabOrdersDocument, { filter: { patientId: 'abc' } }, admin))).toEqual(['filter.patientId']);
    });
  });

  describe('cursors', () => {
    const encode = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const cursors: [string, string][] = [
      ['strings where an instant and an id belong', encode(['x', 'y'])],
      ['numbers', encode([1, 2])],
      ['an instant and an id that is not a uuid', encode(['2031-03-10T08:00:00.000Z', 'x'])],
      ['an instant that is no date', encode(['2031-99-99T99:99:99.999Z', '00000000-0000-0000-0000-000000000000'])],
      ['too few values', encode(['x'])],
      ['an object', encode([{ $gt: 1 }, '00000000-0000-0000-0000-000000000000'])],
    ];
    const lists = {
      departments: (after: string) => gw.gql(DepartmentsDocument, { after }, admin),
      appointments: (after: string) => gw.gql(AppointmentsDocument, { after }, admin),
      invoices: (after: string) => gw.gql(InvoicesDocument, { after }, admin),
      users: (after: string) => gw.gql(UsersDocument, { after }, admin),
      encounters: (after: string) => gw.gql(EncountersDocument, { patientId, after }, admin),
      labOrders: (after: string) => gw.gql(LabOrdersDocument, { after }, admin),
      apiKeys: (after: string) => gw.gql(ApiKeysDocument, { after }, admin),
      auditLog: (after: string) => gw.gql(AuditLogDocument, { after }, admin),
    };

    it.each(Object.keys(lists) as (keyof typeof lists)[])('refuses on %s a cursor whose values do not fit the order, with BAD_USER_INPUT', async (list) => {
      for (const [why, after] of cursors) {
        const result = await lists[list](after);
        expect([why, result.errors?.[0]?.message]).toEqual([why, 'Invalid input (after: is not a valid cursor)']);
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
      }
    });

    it('refuses on tenants a cursor of the wrong type', async () => {
      const platform = await gw.platformToken();
      const result = await gw.gql(TenantsDocument, { after: encode([{ slug: 'x' }]) }, { token: platform });
      expect(result.errors?.[0]?.message).toBe('Invalid input (after: is not a valid cursor)');
    });

    it('still pages on with the cursors it gave, by instant and by text', async () => {
      for (const code of ['CUR-A', 'CUR-B', 'CUR-C']) await gw.gql(CreateDepartmentDocument, { input: { name: code, code } }, admin);
      const first = await gw.gql(DepartmentsDocument, { first: 2 }, admin);
      const next = await gw.gql(DepartmentsDocument, { first: 2, after: first.data!.departments.pageInfo.endCursor }, admin);
      expect(next.errors).toBeUndefined();
      expect(next.data!.departments.edges.map((e) => e.node.code)).toEqual(['CUR-C']);
      const audit = await gw.gql(AuditLogDocument, { first: 1 }, admin);
      const older = await gw.gql(AuditLogDocument, { first: 1, after: audit.data!.auditLog.pageInfo.endCursor }, admin);
      expect(older.errors).toBeUndefined();
      expect(older.data!.auditLog.edges).toHaveLength(1);
      expect(older.data!.auditLog.edges[0]!.node.id).not.toBe(audit.data!.auditLog.edges[0]!.node.id);
      expect(Cursor.decode(older.data!.auditLog.pageInfo.endCursor!)[0]).toBeInstanceOf(Date);
    });
  });
});
