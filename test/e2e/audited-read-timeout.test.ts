import { Client } from 'pg';
import { ownerQuery } from '../fixtures/database';
import { errorCode, TestGateway } from '../fixtures/gateway';
import { PatientsDocument } from './generated/graphql';

/**
 * A statement of an audited read cancelled by its timeout (the test holds a lock on the patients
 * table) leaves the request's transaction aborted: the read is answered with its own error and its
 * audit entry is written in a transaction of its own. The deadline is far above the statement
 * timeout, so only the statement timeout cancels the waiting read.
 */
describe('an audited read whose statement fails', () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };
  let locker: Client;
  const database = () => new URL(gw.databaseUrl).pathname.slice(1);

  beforeAll(async () => {
    // Set up through a replica with the default statement timeout (provisioning may take a while).
    const setup = await TestGateway.start();
    try {
      hospital = await setup.createTenant({ slug: 'audited-timeout' });
    } finally {
      await setup.stop();
    }
    gw = await TestGateway.start({ REQUEST_DEADLINE_MS: '20000', STATEMENT_TIMEOUT_MS: '500' }, setup.databaseUrl);
    locker = new Client({ connectionString: gw.databaseUrl });
    await locker.connect();
  });
  afterAll(async () => {
    await locker.end();
    await gw.stop();
  });

  it("answers with the read's own REQUEST_TIMEOUT and records the attempt as a FAILURE", async () => {
    await locker.query('begin');
    try {
      await locker.query('lock table tenants_shared.patients in access exclusive mode');
      const list = await gw.gql(PatientsDocument, {}, hospital);
      expect(list.status).toBe(504);
      expect(errorCode(list)).toBe('REQUEST_TIMEOUT');
    } finally {
      await locker.query('commit');
    }
    const entries = await ownerQuery<{ outcome: string; error_code: string | null }>(
      "select outcome, error_code from tenants_shared.audit_log where operation = 'patients'", [], database());
    expect(entries).toEqual([{ outcome: 'FAILURE', error_code: 'REQUEST_TIMEOUT' }]);
    expect(gw.tenancy.pools.leasesInUse).toBe(0);
  });
});
