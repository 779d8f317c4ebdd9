import { runInTenant } from '../../src/tenancy';
import { createUser } from '../../src/modules/users/user.service';
import { ownerQuery } from '../fixtures/database';
import { addStaff } from '../fixtures/staff';
import { errorCode, STAFF_PASSWORD, TestGateway } from '../fixtures/gateway';
import { AppointmentsDocument, AuditLogDocument, CreateAppointmentDocument, CreatePatientDocument, DepartmentsDocument, PatientDocument, PatientsDocument, UpdatePatientDocument } from './generated/graphql';

describe('audit trail', () => {
  let gw: TestGateway;
  let a: { id: string; slug: string; token: string };
  let b: { id: string; slug: string; token: string };
  let doctor: { token: string; id: string };
  const patient = { firstName: 'Ada', lastName: 'Lovelace', birthDate: '1915-12-10', mrn: 'AL-1' };
  const trail = (hospital: { slug: string; token: string }, filter = {}) =>
    gw.gql(AuditLogDocument, { first: 100, filter }, hospital).then((r) => {
      if (!r.data) throw new Error(JSON.stringify(r.errors));
      return r.data.auditLog.edges.map((e) => e.node);
    });

  beforeAll(async () => {
    gw = await TestGateway.start();
    a = await gw.createTenant({ slug: 'audit-a', isolation: 'SCHEMA' });
    b = await gw.createTenant({ slug: 'audit-b' });
    const record = (await gw.tenancy.store.bySlug(a.slug))!;
    const user = await runInTenant(gw.tenancy.pools, record, (em) => createUser(em, { email: 'doc@audit-a.test', password: STAFF_PASSWORD, roles: ['DOCTOR'] }));
    doctor = { id: user.id, token: await gw.login('doc@audit-a.test', STAFF_PASSWORD, a.slug) };
  });
  afterAll(() => gw.stop());

  it('records a mutation with who, role, operation, record id, time, client address and outcome', async () => {
    const created = await gw.gql(CreatePatientDocument, { input: patient }, { slug: a.slug, token: doctor.token, headers: { 'x-request-id': 'req-create-1' } });
    const id = created.data!.createPatient.id;
    const [entry] = await trail(a, { operation: 'createPatient' });
    expect(entry).toMatchObject({
      actorId: doctor.id,
      actorKind: 'tenant',
      actorRole: 'DOCTOR',
      operation: 'createPatient',
      operationType: 'mutation',
      recordIds: [id],
      outcome: 'SUCCESS',
      errorCode: null,
      requestId: 'req-create-1',
    });
    expect(entry!.clientAddress).toMatch(/127\.0\.0\.1/);
    expect(Date.now() - new Date(entry!.at).getTime()).toBeLessThan(60_000);
  });

  it("records every read of a patient's record, by id and in lists, but not other queries", async () => {
    const id = (await gw.gql(PatientsDocument, { search: 'AL-1' }, { slug: a.slug, token: doctor.token })).data!.patients.edges[0]!.node.id;
    await gw.gql(PatientDocument, { id }, { slug: a.slug, token: doctor.token });
    const reads = await trail(a, { recordId: id, operation: 'patient' });
    expect(reads).toHaveLength(1);
    const lists = await trail(a, { operation: 'patients', actorId: doctor.id });
    expect(lists[0]).toMatchObject({ operationType: 'query', recordIds: [id], outcome: 'SUCCESS' });
    expect(await trail(a, { operation: 'auditLog' })).toEqual([]);
  });

  it("records a patient's record read through another root field (an appointment's patient) as that field's read", async () => {
    const id = (await gw.gql(PatientsDocument, { search: 'AL-1' }, { slug: a.slug, token: doctor.token })).data!.patients.edges[0]!.node.id;
    const input = { patientId: id, clinicianId: doctor.id, startsAt: '2031-03-01T09:00:00Z', endsAt: '2031-03-01T09:30:00Z' };
    const created = await gw.gql(CreateAppointmentDocument, { input }, { slug: a.slug, token: doctor.token });
    expect(created.errors).toBeUndefined();
    const listed = await gw.gql(AppointmentsDocument, { first: 10 }, { slug: a.slug, token: doctor.token });
    expect(listed.data!.appointments.edges.map((e) => e.node.patient.id)).toContain(id);
    const [read] = await trail(a, { operation: 'appointments', recordId: id });
    expect(read).toMatchObject({ operationType: 'query', outcome: 'SUCCESS', actorId: doctor.id });
    expect(read!.recordIds).toEqual(expect.arrayContaining([id, created.data!.createAppointment.id]));
    // A list that returns no patient's record is not audited.
    await gw.gql(DepartmentsDocument, { first: 5 }, { slug: a.slug, token: doctor.token });
    expect(await trail(a, { operation: 'departments' })).toEqual([]);
  });

  it("records a read of any part of a patient's record (encounters, lab orders, appointments, search hits) as a read of that patient, the patient unselected", async () => {
    const id = (await gw.gql(PatientsDocument, { search: 'AL-1' }, { slug: a.slug, token: doctor.token })).data!.patients.edges[0]!.node.id;
    const post = async (requestId: string, query: string, variables: Record<string, unknown> = {}) => {
      const response = await gw.raw(`/t/${a.slug}/graphql`, { query, variables }, { authorization: `Bearer ${doctor.token}`, 'x-request-id': requestId });
      const body = (await response.json()) as { errors?: unknown };
      expect(body.errors).toBeUndefined();
    };
    await post('req-part-0', 'mutation($p: ID!) { createEncounter(input: { patientId: $p, notes: "private" }) { id } orderLabTest(input: { patientId: $p, testCode: "CBC", testName: "Blood count" }) { id } }', { p: id });
    await post('req-part-1', '{ encounters(patientId: "' + id + '") { edges { node { notes } } } }');
    await post('req-part-2', '{ labOrders(first: 5) { edges { node { testCode } } } }');
    await post('req-part-3', '{ appointments(first: 5) { edges { node { startsAt } } } }');
    await post('req-part-4', '{ search(query: "Blood") { kind labOrder { testName } } }');
    const entries = (await trail(a, { recordId: id })).filter((e) => e.requestId?.startsWith('req-part-') && e.operationType === 'query');
    expect(entries.map((e) => [e.requestId, e.operation]).sort()).toEqual([
      ['req-part-1', 'encounters'], ['req-part-2', 'labOrders'], ['req-part-3', 'appointments'], ['req-part-4', 'search'],
    ]);
    expect(entries.every((e) => e.outcome === 'SUCCESS' && e.actorId === doctor.id)).toBe(true);
  });

  it('records a search as a read of every patient its hits reveal, their records unselected, and a search that finds nothing too', async () => {
    const as = { slug: a.slug, token: doctor.token };
    const named = (await gw.gql(CreatePatientDocument, { input: { ...patient, lastName: 'Hopperton', mrn: 'HOP-1' } }, as)).data!.createPatient.id;
    const tested = (await gw.gql(CreatePatientDocument, { input: { ...patient, lastName: 'Babbage', mrn: 'CB-1' } }, as)).data!.createPatient.id;
    const order = await gw.raw(`/t/${a.slug}/graphql`, { query: `mutation { orderLabTest(input: { patientId: "${tested}", testCode: "HOPX", testName: "Hopperton assay" }) { id } }` }, { authorization: `Bearer ${doctor.token}` });
    expect(((await order.json()) as { errors?: unknown }).errors).toBeUndefined();
    const search = async (requestId: string, text: string) => {
      const response = await gw.raw(`/t/${a.slug}/graphql`, { query: `{ search(query: "${text}") { kind score } }` }, { authorization: `Bearer ${doctor.token}`, 'x-request-id': requestId });
      return ((await response.json()) as { data: { search: { kind: string }[] } }).data.search.map((h) => h.kind).sort();
    };
    expect(await search('req-search-hits', 'Hopperton')).toEqual(['LAB_ORDER', 'PATIENT']);
    expect(await search('req-search-none', 'Nobody')).toEqual([]);
    const entries = (await trail(a, { operation: 'search' })).filter((e) => e.requestId?.startsWith('req-search-'));
    expect(entries.map((e) => [e.requestId, e.operationType, e.outcome, [...e.recordIds].sort()]).sort()).toEqual([
      ['req-search-hits', 'query', 'SUCCESS', [named, tested].sort()],
      ['req-search-none', 'query', 'SUCCESS', []],
    ]);
  });

  it('records a failed mutation, and the undone part of a rolled-back one, after the rollback', async () => {
    await gw.gql(CreatePatientDocument, { input: { ...patient, mrn: 'DUP-9' } }, { slug: a.slug, token: doctor.token });
    const response = await gw.raw(
      `/t/${a.slug}/graphql`,
      {
        query: `mutation {
          ok: createPatient(input: { firstName: "B", lastName: "Fine", birthDate: "1990-01-01", mrn: "FINE-1" }) { id }
          dup: createPatient(input: { firstName: "C", lastName: "Dup", birthDate: "1990-01-01", mrn: "DUP-9" }) { id }
        }`,
      },
      { authorization: `Bearer ${doctor.token}`, 'x-request-id': 'req-rollback' },
    );
    expect(((await response.json()) as { data: unknown }).data).toBeNull();
    const entries = await gw.gql(AuditLogDocument, { first: 10, filter: {} }, a);
    const ofRequest = entries.data!.auditLog.edges.map((e) => e.node).filter((e) => e.requestId === 'req-rollback');
    expect(ofRequest.map((e) => [e.outcome, e.errorCode]).sort()).toEqual([['FAILURE', 'CONFLICT'], ['ROLLED_BACK', null]]);
  });

  it('records a mutation refused a field of its answer as failed, and the undone part beside it as rolled back, answering data null', async () => {
    const receptionist = await addStaff(gw, a.slug, 'RECEPTIONIST');
    const response = await gw.raw(
      `/t/${a.slug}/graphql`,
      {
        query: `mutation {
          ok: createPatient(input: { firstName: "D", lastName: "Desk", birthDate: "1990-01-01", mrn: "DESK-1" }) { id }
          notes: createPatient(input: { firstName: "E", lastName: "Desk", birthDate: "1990-01-01", mrn: "DESK-2" }) { id clinicalNotes }
        }`,
      },
      { authorization: `Bearer ${receptionist.token}`, 'x-request-id': 'req-field-refused' },
    );
    const body = (await response.json()) as { data: unknown; errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    expect(body.data).toBeNull();
    const ofRequest = (await trail(a, { actorId: receptionist.id })).filter((e) => e.requestId === 'req-field-refused');
    expect(ofRequest.map((e) => [e.outcome, e.errorCode]).sort()).toEqual([['FAILURE', 'FORBIDDEN'], ['ROLLED_BACK', null]]);
    expect(ofRequest.every((e) => e.recordIds.length === 1)).toBe(true);
    expect((await gw.gql(PatientsDocument, { search: 'Desk' }, a)).data?.patients.totalCount).toBe(0);
  });

  it('records a refused attempt with its error code', async () => {
    const denied = await gw.gql(UpdatePatientDocument, { id: '00000000-0000-4000-8000-000000000000', input: { lastName: 'X' } }, { slug: a.slug, token: doctor.token });
    expect(errorCode(denied)).toBe('NOT_FOUND');
    const [entry] = await trail(a, { operation: 'updatePatient', outcome: 'FAILURE' });
    expect(entry).toMatchObject({ errorCode: 'NOT_FOUND', recordIds: ['00000000-0000-4000-8000-000000000000'] });
  });

  it('records every request a platform admin makes inside a hospital, reads included', async () => {
    const platform = await gw.platformToken();
    await gw.gql(PatientsDocument, {}, { slug: b.slug, token: platform });
    const raw = await gw.raw(`/t/${b.slug}/graphql`, { query: '{ me { id } }' }, { authorization: `Bearer ${platform}` });
    expect(raw.status).toBe(200);
    const entries = await trail(b, { operation: 'me' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorKind: 'platform', actorRole: 'SUPERADMIN', operationType: 'query' });
  });

  it.each([
    ['{ __typename }', ['__typename']],
    ['{ __schema { types { name } } }', ['__schema']],
    ['query { kind: __typename type: __type(name: "Patient") { name } me { id } }', ['__type', '__typename', 'me']],
    ['query Q { ...Root } fragment Root on Query { __typename }', ['__typename']],
  ])('records a platform admin\'s introspection inside a hospital as well: %s', async (query, operations) => {
    const platform = await gw.platformToken();
    const requestId = `introspect-${operations.join('-')}-${query.length}`;
    const raw = await gw.raw(`/t/${b.slug}/graphql`, { query }, { authorization: `Bearer ${platform}`, 'x-request-id': requestId });
    expect(raw.status).toBe(200);
    const entries = (await trail(b)).filter((e) => e.requestId === requestId);
    expect(entries.map((e) => e.operation).sort()).toEqual(operations);
    expect(entries.every((e) => e.actorKind === 'platform' && e.operationType === 'query' && e.outcome === 'SUCCESS')).toBe(true);
  });

  it("leaves a hospital user's introspection out of the trail, as their other non-record reads", async () => {
    const raw = await gw.raw(`/t/${b.slug}/graphql`, { query: '{ __typename }' }, { authorization: `Bearer ${b.token}`, 'x-request-id': 'staff-typename' });
    expect(raw.status).toBe(200);
    expect((await trail(b)).filter((e) => e.requestId === 'staff-typename')).toEqual([]);
  });

  it("shows each hospital only its own trail, and only to its ADMINs", async () => {
    const ofB = await trail(b);
    expect(ofB.every((e) => e.actorKind === 'platform' || e.operation === 'login')).toBe(true);
    expect(ofB.some((e) => e.operation === 'createPatient')).toBe(false);
    expect(errorCode(await gw.gql(AuditLogDocument, {}, { slug: a.slug, token: doctor.token }))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(AuditLogDocument, {}, { slug: a.slug, token: b.token }))).toBe('UNAUTHENTICATED');
  });

  it('keeps no patient data in the trail, only ids', async () => {
    const rows = await ownerQuery<{ row: string }>(
      `select row_to_json(l)::text as row from ${(await gw.tenancy.store.bySlug(a.slug))!.placement.schema}.audit_log l`, [], new URL(gw.databaseUrl).pathname.slice(1),
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const { row } of rows) expect(row).not.toMatch(/Lovelace|AL-1|DUP-9|Ada/);
  });

  it.each([
    ['update', 'update audit_log set outcome = $$SUCCESS$$'],
    ['delete', 'delete from audit_log'],
    ['truncate', 'truncate audit_log'],
  ])('refuses to %s audit rows as the runtime role, even inside its own hospital', async (_what, sql) => {
    const record = (await gw.tenancy.store.bySlug(a.slug))!;
    await expect(runInTenant(gw.tenancy.pools, record, (em) => em.getConnection().execute(sql.replace('audit_log', `${record.placement.schema}.audit_log`), [], 'run', em.getTransactionContext()))).rejects.toThrow(/permission denied/);
  });

  it('refuses UPDATE and DELETE of audit rows even to the owner, through the trigger', async () => {
    const schema = (await gw.tenancy.store.bySlug(a.slug))!.placement.schema;
    const db = new URL(gw.databaseUrl).pathname.slice(1);
    await expect(ownerQuery(`update ${schema}.audit_log set outcome = 'SUCCESS'`, [], db)).rejects.toThrow(/append-only/);
    await expect(ownerQuery(`delete from ${schema}.audit_log`, [], db)).rejects.toThrow(/append-only/);
  });

  it('fails the request, and keeps nothing of it, when its audit entry cannot be written', async () => {
    const c = await gw.createTenant({ slug: 'audit-c', isolation: 'SCHEMA' });
    const { schema } = (await gw.tenancy.store.bySlug(c.slug))!.placement;
    const db = new URL(gw.databaseUrl).pathname.slice(1);
    await ownerQuery(`revoke insert on ${schema}.audit_log from sovereign_app`, [], db);
    try {
      const result = await gw.gql(CreatePatientDocument, { input: { ...patient, mrn: 'UNAUDITED-1' } }, c);
      expect(errorCode(result)).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await ownerQuery(`grant insert on ${schema}.audit_log to sovereign_app`, [], db);
    }
    expect((await gw.gql(PatientsDocument, { search: 'UNAUDITED-1' }, c)).data?.patients.totalCount).toBe(0);
  });
});
