import { ChangeTenantPlanDocument, CreatePatientDocument, PatientsDocument, RefreshTokenDocument, TenantsDocument } from './generated/graphql';
import { sessionOf } from '../fixtures/accounts';
import { createTestDatabase, ownerQuery, testServerUrl } from '../fixtures/database';
import { FaultProxy, type Break } from '../fixtures/fault-proxy';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';
import { createStaff, type Hospital } from '../fixtures/identity';
import { TenantSession } from '../../src/tenancy';

/**
 * A connection lost at any stage of a request, the ways a server going down loses it (its backend
 * terminated, the socket closed or reset), is answered SERVICE_UNAVAILABLE (503) and keeps nothing;
 * the next request is served. The gateway talks to the real server through a proxy that breaks the
 * connection sending a chosen statement, before the server runs it.
 */
describe('connection loss at each stage of a request', () => {
  let proxy: FaultProxy;
  let gw: TestGateway;
  let hospital: Hospital;
  let platformToken: string;
  let database: string;
  let n = 0;

  beforeAll(async () => {
    proxy = await FaultProxy.start(testServerUrl());
    const databaseUrl = await createTestDatabase();
    database = new URL(databaseUrl).pathname.slice(1);
    gw = await TestGateway.start({}, proxy.via(databaseUrl));
    hospital = await gw.createTenant({ slug: 'cut' });
    await gw.createTenant({ slug: 'cut-plan' });
    platformToken = await gw.platformToken();
  });
  afterAll(async () => {
    await gw?.stop();
    await proxy?.close();
  });

  const read = () => gw.gql(PatientsDocument, { first: 5 }, hospital);
  const write = async (): Promise<GqlResult<unknown>> => {
    const mrn = `CUT-${++n}`;
    const result = await gw.gql(CreatePatientDocument, { input: { firstName: 'Cut', lastName: 'Off', birthDate: '1990-01-01', mrn } }, hospital);
    // Never acknowledged, so never kept (read past the proxy).
    expect(await ownerQuery('select id from tenants_shared.patients where mrn = $1', [mrn], database)).toEqual([]);
    return result;
  };
  const platformRead = () => gw.gql(TenantsDocument, { first: 5 }, { token: platformToken });
  const changePlan = async (): Promise<GqlResult<unknown>> => {
    // Always another plan, so the mutation always writes (the plan is read past the proxy).
    const [current] = await ownerQuery<{ plan: string }>("select plan from catalog.tenants where slug = 'cut-plan'", [], database);
    return gw.gql(ChangeTenantPlanDocument, { slug: 'cut-plan', plan: current!.plan === 'BASIC' ? 'ENTERPRISE' : 'BASIC' }, { token: platformToken });
  };

  const PATIENT_INSERT = /insert into "tenants_shared"\."patients"/;
  const AUDIT_INSERT = /insert into "tenants_shared"\."audit_log"/;
  const EVERY_BREAK: Break[] = ['terminate', 'close', 'reset'];
  // Under jest, a socket error made by Node itself is not `instanceof Error` of the test's realm, and
  // graphql-js only rethrows an error a resolver's middleware (graphql-shield) returns when it is; so
  // a raw socket error reaching a resolver is left out here (in a real process it is mapped alike).
  const LIBRARY_ERRORS: Break[] = ['terminate', 'close'];
  const stages: { stage: string; traps: RegExp[]; send: () => Promise<GqlResult<unknown>>; prepare?: () => void; breaks?: Break[] }[] = [
    { stage: 'resolving the hospital in the catalog', traps: [/from "catalog"\."tenants"/], send: read, prepare: () => gw.tenancy.store.clear() },
    { stage: 'beginning the request transaction', traps: [/BEGIN;/], send: read },
    { stage: 'entering the placement', traps: [/enter_request\(/], send: read },
    { stage: 'reading', traps: [/select p\."id"/], send: read },
    { stage: 'writing', traps: [PATIENT_INSERT], send: write },
    { stage: 'writing the audit entry in the request transaction', traps: [AUDIT_INSERT], send: read },
    { stage: 'committing', traps: [/COMMIT;/], send: write },
    { stage: 'beginning the transaction that records a failed write', traps: [PATIENT_INSERT, /BEGIN;/], send: write },
    { stage: 'writing the audit entry of a failed write', traps: [PATIENT_INSERT, AUDIT_INSERT], send: write },
    { stage: 'loading a platform user', traps: [/from "catalog"\."platform_users"/], send: platformRead },
    { stage: 'beginning a catalog write', traps: [/BEGIN;/], send: changePlan },
    { stage: 'committing a catalog write', traps: [/COMMIT;/], send: changePlan, breaks: LIBRARY_ERRORS },
    { stage: 'writing a platform audit entry', traps: [/insert into "catalog"\."platform_audit"/], send: changePlan },
  ];
  const cases = stages.flatMap(({ breaks = EVERY_BREAK, ...stage }) => breaks.map((how) => ({ ...stage, how })));

  it.each(cases)('answers SERVICE_UNAVAILABLE when the connection is lost ($how) $stage, and is served again', async ({ traps, send, prepare, how }) => {
    prepare?.();
    const broken = proxy.breakOn(traps, how);
    const result = await send();
    await broken;
    expect({ status: result.status, code: errorCode(result) }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(result)).not.toMatch(/\bat \w+ \(|node_modules|terminat|ECONNRESET/);

    await expectServedAgain(send === platformRead || send === changePlan ? platformRead : read);
  });

  it.each(EVERY_BREAK)('still revokes the session of a replayed refresh token, and audits the attempt, when the connection is lost (%s) rolling its request back', async (how) => {
    const clerk = await createStaff(gw, hospital, 'BILLING', `replayed-${how}@cut.test`);
    expect((await gw.gql(RefreshTokenDocument, { refreshToken: clerk.refreshToken }, { slug: hospital.slug })).errors).toBeUndefined();
    // The replay rolls its own transaction back before revoking the session in one of its own: that
    // rollback meets a lost connection, which the pool may still hand to the revocation.
    const broken = proxy.breakOn(/ROLLBACK/, how);
    const requestId = `replayed-${how}`;
    const replay = await gw.gql(RefreshTokenDocument, { refreshToken: clerk.refreshToken }, { slug: hospital.slug, headers: { 'x-request-id': requestId } });
    await broken;
    expect(errorCode(replay)).toBe('UNAUTHENTICATED');
    const [session] = await ownerQuery<{ revoked_at: Date | null }>('select revoked_at from tenants_shared.auth_sessions where id = $1', [sessionOf(clerk.refreshToken)], database);
    expect(session!.revoked_at).toBeInstanceOf(Date);
    expect(await auditOf(requestId)).toEqual([{ operation: 'refreshToken', outcome: 'FAILURE', error_code: 'UNAUTHENTICATED' }]);
  });

  /** The audit entries of the request `requestId`. */
  const auditOf = (requestId: string) => ownerQuery('select operation, outcome, error_code from tenants_shared.audit_log where request_id = $1', [requestId], database);
  /** Creates a patient, and returns what sends the same one again as request `requestId`: refused as CONFLICT (its MRN is taken). */
  const conflictingWrite = async (requestId: string) => {
    const input = { firstName: 'Twice', lastName: 'Sent', birthDate: '1990-01-01', mrn: `TWICE-${requestId}` };
    expect((await gw.gql(CreatePatientDocument, { input }, hospital)).errors).toBeUndefined();
    return () => gw.gql(CreatePatientDocument, { input }, { ...hospital, headers: { 'x-request-id': requestId } });
  };

  it.each(EVERY_BREAK)('still audits a failed write, and answers its own error, when the connection is lost (%s) rolling it back', async (how) => {
    const requestId = `rollback-lost-${how}`;
    const sendAgain = await conflictingWrite(requestId);
    const broken = proxy.breakOn(/ROLLBACK/, how);
    const refused = await sendAgain();
    await broken;
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(await auditOf(requestId)).toEqual([{ operation: 'createPatient', outcome: 'FAILURE', error_code: 'CONFLICT' }]);
  });

  it('still audits a failed write, and answers its own error, when its rollback reports the connection lost', async () => {
    const sendAgain = await conflictingWrite('rollback-reported-lost');
    // The transaction ends (its connection gone with it), and the rollback reports the loss.
    const realEnd = TenantSession.prototype.end;
    const rollback = jest.spyOn(TenantSession.prototype, 'end').mockImplementationOnce(async function (this: TenantSession, commit: boolean) {
      await realEnd.call(this, commit);
      throw new Error('Connection terminated unexpectedly');
    });
    let refused: GqlResult<unknown>;
    try {
      refused = await sendAgain();
      expect(rollback).toHaveBeenCalledWith(false);
    } finally {
      rollback.mockRestore();
    }
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(await auditOf('rollback-reported-lost')).toEqual([{ operation: 'createPatient', outcome: 'FAILURE', error_code: 'CONFLICT' }]);
  });

  /**
   * The pool replaces the broken connection by itself. A terminated backend says so before its socket
   * closes, and a request in between may still be handed that connection: it is answered
   * SERVICE_UNAVAILABLE too, and the one after it is served.
   */
  async function expectServedAgain(send: () => Promise<GqlResult<unknown>>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const result = await send();
      if (!result.errors) return;
      expect(errorCode(result)).toBe('SERVICE_UNAVAILABLE');
      expect(attempt).toBeLessThan(3);
    }
  }
});
