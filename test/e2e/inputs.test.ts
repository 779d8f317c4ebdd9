import { LabOrdersDocument } from './generated/graphql';
import { TestGateway, type GqlResult } from '../fixtures/gateway';

/** The fields a BAD_USER_INPUT names (and fails the test for any other answer). */
function badFields(result: GqlResult<unknown>): string[] {
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return Object.keys((result.errors?.[0]?.extensions?.fields ?? {}) as object);
}

describe('input checks over HTTP', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'inputs' });
  });
  afterAll(() => gw.stop());

  describe('nested filters', () => {
    it('checks the lab order filter’s patient id', async () => {
      expect(badFields(await gw.gql(LabOrdersDocument, { filter: { patientId: 'abc' } }, admin))).toEqual(['filter.patientId']);
    });
  });
});
