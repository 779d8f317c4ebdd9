import { print } from 'graphql';
import { request, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { MAX_VARIABLE_DEPTH } from '../../src/http/variables';
import { createLogger } from '../../src/logger';
import { HOLD_KEY_SQL } from '../../src/tenancy/placement-hold';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { ADMIN, errorCode, TestGateway } from '../fixtures/gateway';
import { addPatient, addStaff } from '../fixtures/staff';
import { PatientDocument, PatientsDocument, UpdatePatientDocument } from './generated/graphql';

/** Polls `condition` every 10 ms until it holds or `ms` have passed; returns its last value. */
async function until(condition: () => boolean | Promise<boolean>, ms = 2_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 10) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return condition();
}

/** Black-box abuse over HTTP: each attempt gets the right code, quickly, and the server stays healthy. */
describe('abuse over HTTP', () => {
  let gw: TestGateway;
  let hospital: { slug: string; token: string };
  const auth = () => ({ authorization: `Bearer ${hospital.token}` });
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await gw.raw(`/t/${hospital.slug}/graphql`, body, { ...auth(), ...headers });
    const parsed = (() => {
      try {
        return JSON.parse(response.text) as { errors?: { message: string; extensions?: { code?: string } }[]; data?: unknown };
      } catch {
        return { errors: [] };
      }
    })();
    return { status: response.status, body: parsed, code: parsed.errors?.[0]?.extensions?.code, text: response.text };
  };
  const noLeases = () => until(() => gw.tenancy.pools.leasesInUse === 0);
  /** An owner connection to the hospital's placement database, with the hospital's catalog entry. */
  const placementOwner = async () => {
    const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
    const url = new URL(testServerUrl());
    url.pathname = `/${tenant.placement.database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    return { client, tenant };
  };
  /** Sends a request over a connection of its own, for the test to abandon (destroy) mid-way. */
  const sendAndKeep = (body: unknown, token: string, headers: Record<string, string> = {}): ClientRequest => {
    const req = request({ port: new URL(gw.baseUrl).port, method: 'POST', path: `/t/${hospital.slug}/graphql`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers } });
    req.on('error', () => undefined);
    req.end(JSON.stringify(body));
    return req;
  };

  /** Sends a hospital request over a raw socket and destroys the socket `afterMs` after the request is written. */
  const sendAndLeave = (query: string, requestId: string, afterMs: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify({ query });
      const head = [`POST /t/${hospital.slug}/graphql HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Authorization: Bearer ${hospital.token}`, `X-Request-ID: ${requestId}`, `Content-Length: ${Buffer.byteLength(body)}`];
      const socket = connect(Number(new URL(gw.baseUrl).port), '127.0.0.1', () => {
        socket.write(`${head.join('\r\n')}\r\n\r\n${body}`, () => {
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, afterMs);
        });
      });
      socket.on('error', () => resolve());
    });
  /** The gateway's log lines at level error (50) or above. */
  const errorLines: { msg?: string; err?: { message?: string } }[] = [];
  const errorLog = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as { level: number; msg?: string; err?: { message?: string } };
        if (line.level >= 50) errorLines.push({ msg: line.msg, err: { message: line.err?.message } });
      }
      done();
    },
  });
  /** Requests refused before running with `code`, as the metrics count them. */
  const rejectedCount = async (code: string) => {
    const metrics = await (await fetch(`${gw.baseUrl}/metrics`)).text();
    return Number(new RegExp(`^sovereign_graphql_rejected_total\\{code="${code}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
  };
  /** Requests refused before running because their client had gone. */
  const clientClosedCount = () => rejectedCount('CLIENT_CLOSED_REQUEST');
  /**
   * Sends `body` while the hospital's hold is taken exclusively (as a move does), so the statement
   * that opens its transaction and signs the caller in waits; the client leaves meanwhile, then
   * `whileHeld` runs (given the holder's connection to the placement database) and the hold is
   * released, letting the sign-in complete. Returns the hospital's catalog entry.
   */
  const leaveWhileSigningIn = async (body: unknown, headers: Record<string, string> = {}, whileHeld?: (holder: Client) => Promise<unknown>) => {
    const { client: holder, tenant } = await placementOwner();
    const hold = HOLD_KEY_SQL.replace('?', '$1');
    try {
      await holder.query(`select pg_advisory_lock(${hold})`, [tenant.id]);
      const req = sendAndKeep(body, hospital.token, headers);
      expect(await until(() => gw.tenancy.pools.leasesInUse === 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 100)); // the opening statement is now waiting for the hold
      req.destroy();
      await new Promise((r) => setTimeout(r, 100));
      await whileHeld?.(holder);
    } finally {
      await holder.query(`select pg_advisory_unlock(${hold})`, [tenant.id]);
      await holder.end();
    }
    return tenant;
  };
  /** The hospital's audit entries written for requests whose id starts with `prefix`. */
  const auditedRequests = async (prefix: string) => {
    const { schema, database } = (await gw.tenancy.store.bySlug(hospital.slug))!.placement;
    return ownerQuery<{ operation: string; outcome: string; error_code: string | null }>(
      `select operation, outcome, error_code from "${schema}".audit_log where starts_with(request_id, $1)`, [prefix], database);
  };

  beforeAll(async () => {
    gw = await TestGateway.start({ GRAPHQL_MAX_COST: '500', MAX_BODY_BYTES: '40000' }, undefined, createLogger('warn', errorLog));
    hospital = await gw.createTenant({ slug: 'under-attack' });
  });
  afterEach(async () => {
    expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
  });
  afterAll(() => gw.stop());

  it('refuses a query deeper than the limit before running it', async () => {
    const shallow = await TestGateway.start({ GRAPHQL_MAX_DEPTH: '3' });
    try {
      const ask = async (query: string) => (await shallow.raw('/graphql', { query })).json() as Promise<{ errors: { extensions: { code: string } }[] }>;
      // Depth 3 runs (and is refused for want of credentials); depth 4 never runs.
      expect((await ask('{ tenants { pageInfo { hasNextPage } } }')).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect((await ask('{ tenants { edges { node { id } } } }')).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await shallow.stop();
    }
  });

  it('refuses a token flood', async () => {
    const flood = await post({ query: `{ me { ${'id '.repeat(3_000)}} }` });
    expect(flood.code).toBe('BAD_USER_INPUT');
    expect(flood.status).toBe(400);
  });

  it('refuses an alias bomb', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: me { id }`).join(' ');
    expect((await post({ query: `{ ${aliases} }` })).code).toBe('BAD_USER_INPUT');
  });

  it('refuses a directive flood', async () => {
    expect((await post({ query: `{ me ${'@include(if: true) '.repeat(30)}{ id } }` })).code).toBe('BAD_USER_INPUT');
  });

  it('counts page sizes passed as variables in the cost', async () => {
    const query = 'query($n: Int) { a: patients(first: $n) { totalCount pageInfo { endCursor } } b: patients(first: $n) { totalCount pageInfo { endCursor } } }';
    expect((await post({ query, variables: { n: 5 } })).code).toBeUndefined();
    const expensive = await post({ query, variables: { n: 100 } });
    expect(expensive.code).toBe('BAD_USER_INPUT');
    expect(expensive.body.errors?.[0]?.message).toMatch(/too expensive/);
  });

  it('refuses an oversized body with 413', async () => {
    const result = await post({ query: `{ me { id } }`, variables: { pad: 'x'.repeat(50_000) } });
    expect(result.status).toBe(413);
    expect(result.code).toBe('BAD_USER_INPUT');
  });

  /** The JSON text of a value nested `depth` levels deep, as arrays or as objects (JSON.stringify could not write it). */
  const nestedJson = (depth: number, kind: 'arrays' | 'objects') =>
    kind === 'arrays' ? `${'['.repeat(depth)}"x"${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;
  const withVariable = (query: string, json: string) => `{"query":${JSON.stringify(query)},"variables":{"x":${json}}}`;

  it.each([
    ['arrays', 'an undeclared variable', '{ __typename }'],
    ['objects', 'an undeclared variable', '{ __typename }'],
    ['arrays', 'a declared list variable', 'query($x: [[String]]) { __typename }'],
    ['arrays', 'a page size, which the cost estimate reads', 'query($x: Int) { patients(first: $x) { totalCount } }'],
    ['objects', 'a page size, which the cost estimate reads', 'query($x: Int) { patients(first: $x) { totalCount } }'],
    ['arrays', 'a text checked for NUL characters', 'query($x: String) { patients(search: $x) { totalCount } }'],
  ])('refuses %s nested 5000 deep in %s with BAD_USER_INPUT, before anything runs', async (kind, _where, query) => {
    const body = withVariable(query, nestedJson(5_000, kind as 'arrays' | 'objects'));
    for (const [path, headers] of [['/graphql', {}], [`/t/${hospital.slug}/graphql`, auth()]] as const) {
      const response = await gw.raw(path, body, headers);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: `Invalid input ($x: is nested more than ${MAX_VARIABLE_DEPTH} levels deep)`, extensions: { code: 'BAD_USER_INPUT', fields: { $x: `is nested more than ${MAX_VARIABLE_DEPTH} levels deep` } } }],
      });
    }
    expect(await noLeases()).toBe(true);
  });

  it('runs an operation whose variables are nested as deep as allowed', async () => {
    for (const kind of ['arrays', 'objects'] as const) {
      const response = await gw.raw('/graphql', withVariable('{ __typename }', nestedJson(MAX_VARIABLE_DEPTH, kind)));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('refuses batched requests', async () => {
    const result = await post([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(result.status).toBe(400);
  });

  it('returns the connection of a signed-in request it refuses before executing (a batch, a query that is not a string)', async () => {
    for (const body of [[{ query: '{ me { id } }' }, { query: '{ me { id } }' }], { query: 42 }]) {
      expect((await post(body)).status).toBe(400);
      // The transaction opened to load the caller is rolled back once the answer is sent.
      expect(await noLeases()).toBe(true);
    }
  });

  it.each([
    ['an operation name the document does not have', { query: 'query A { me { id } }', operationName: 'B' }, 'Unknown operation named "B".'],
    ['two operations and no operation name', { query: 'query A { me { id } } query B { me { id } }' }, 'Must provide operation name if query contains multiple operations.'],
  ])('answers %s with BAD_USER_INPUT and returns its connection', async (_name, body, message) => {
    for (let i = 0; i < 3; i++) {
      const result = await post(body);
      expect(result.status).toBe(400);
      expect(result.code).toBe('BAD_USER_INPUT');
      expect(result.body.errors?.[0]?.message).toBe(message);
      expect(await noLeases()).toBe(true);
    }
  });

  it('returns the connection of a signed-in request Apollo refuses after its client has left', async () => {
    // The client leaves while the request context is being built, so no answer is ever sent for the
    // batch Apollo then refuses.
    await leaveWhileSigningIn([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(await noLeases()).toBe(true);
  });

  it.each([
    ['a read of patients', '{ patients(first: 5) { edges { node { id } } } }'],
    ['a mutation', 'mutation { createDepartment(input: { name: "Left early", code: "LEFT-EARLY" }) { id } }'],
  ])('does not run %s whose client left while it was being signed in, and logs no error for it', async (name, query) => {
    const requestId = `left-while-signing-in-${name.replaceAll(' ', '-')}`;
    const errorsBefore = errorLines.length;
    const closedBefore = await clientClosedCount();
    // The session is ended under the sign-in, which completes afterwards.
    const tenant = await leaveWhileSigningIn({ query }, { 'x-request-id': requestId });
    expect(await noLeases()).toBe(true);
    const counted = await until(async () => (await clientClosedCount()) === closedBefore + 1);
    expect(errorLines.slice(errorsBefore)).toEqual([]);
    expect(await auditedRequests(requestId)).toEqual([]);
    const { schema, database } = tenant.placement;
    expect(await ownerQuery(`select id from "${schema}".departments where code = 'LEFT-EARLY'`, [], database)).toEqual([]);
    expect(counted).toBe(true);
  });

  it('answers a sign-in that fails for a reason of its own with its own code, not as a closed request, when its client has left meanwhile', async () => {
    const closedBefore = await clientClosedCount();
    const unavailableBefore = await rejectedCount('SERVICE_UNAVAILABLE');
    await leaveWhileSigningIn({ query: '{ patients(first: 5) { edges { node { id } } } }' }, {}, async (holder) => {
      // The database then loses the connection the sign-in waits on, which the client's leaving did not cause.
      const waiting = "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'";
      expect((await holder.query(`select pg_terminate_backend(pid) from (${waiting}) w`)).rowCount).toBe(1);
    });
    expect(await noLeases()).toBe(true);
    expect(await until(async () => (await rejectedCount('SERVICE_UNAVAILABLE')) === unavailableBefore + 1)).toBe(true);
    expect(await clientClosedCount()).toBe(closedBefore);
  });

  it('runs and audits as usual, or refuses unrun, requests whose clients leave at any moment after sending them, and logs no error', async () => {
    const errorsBefore = errorLines.length;
    const closedBefore = await clientClosedCount();
    // Leaving at once, the client is gone before its request runs; later, while it runs or once answered.
    const leaveAfterMs = [0, 10, 30, 60, 100, 200];
    const rounds = 30;
    const perRound = 10;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(Array.from({ length: perRound }, (_, i) => {
        const query = i % 2 ? `mutation { createDepartment(input: { name: "Gone", code: "GONE-${round}-${i}" }) { id } }` : '{ patients(first: 5) { edges { node { id } } } }';
        return sendAndLeave(query, `left-at-some-point-${round}-${i}`, leaveAfterMs[round % leaveAfterMs.length]!);
      }));
    }
    expect(await noLeases()).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // a request may still be between its statements
    expect(await noLeases()).toBe(true);
    expect(errorLines.slice(errorsBefore)).toEqual([]);
    const audited = await auditedRequests('left-at-some-point-');
    expect(audited.filter((entry) => entry.error_code === 'INTERNAL_SERVER_ERROR')).toEqual([]);
    // Each request either ran (one root field, one entry, a success) or was refused before running.
    expect(audited.filter((entry) => entry.outcome !== 'SUCCESS')).toEqual([]);
    expect(audited.length + (await clientClosedCount()) - closedBefore).toBe(rounds * perRound);
  });

  it('still commits and audits a mutation whose client leaves while it runs', async () => {
    const clerk = await addStaff(gw, hospital.slug, 'RECEPTIONIST', 'leaving-clerk');
    const patientId = await addPatient(gw, clerk, 'Before');
    const { client: holder, tenant } = await placementOwner();
    const { schema, database } = tenant.placement;
    try {
      // The patient's row is locked, so the update waits inside the pipeline while its client leaves.
      await holder.query('begin');
      await holder.query(`select 1 from "${schema}".patients where id = $1 for update`, [patientId]);
      const req = sendAndKeep({ query: print(UpdatePatientDocument), variables: { id: patientId, input: { lastName: 'After' } } }, clerk.token);
      // Other backends of this database: only the gateway's (every test file has its own database).
      const waiting = async () => (await holder.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rowCount! > 0;
      expect(await until(waiting, 10_000)).toBe(true);
      req.destroy();
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await holder.query('commit');
      await holder.end();
    }
    expect(await noLeases()).toBe(true);
    const [row] = await ownerQuery<{ last_name: string }>(`select last_name from "${schema}".patients where id = $1`, [patientId], database);
    expect(row!.last_name).toBe('After');
    const audit = await ownerQuery<{ outcome: string }>(
      `select outcome from "${schema}".audit_log where operation = 'updatePatient' and $1 = any(record_ids)`, [patientId], database);
    expect(audit).toEqual([{ outcome: 'SUCCESS' }]);
  });

  it('refuses queries and mutations over GET', async () => {
    for (const query of ['{ patients { totalCount } }', 'mutation { login(email: "a@b.c", password: "x") { token } }']) {
      const response = await fetch(`${gw.baseUrl}/t/${hospital.slug}/graphql?query=${encodeURIComponent(query)}`, { headers: auth() });
      expect(response.status).toBe(405);
    }
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('answers %s on the GraphQL paths with a JSON 405 that allows POST', async (method) => {
    for (const path of ['/graphql', `/t/${hospital.slug}/graphql`]) {
      const response = await fetch(`${gw.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...auth() }, body: '{"query":"{ me { id } }"}' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toEqual({ errors: [{ message: 'GraphQL requests must use POST', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
  });

  it.each([['GET', '/nowhere'], ['POST', '/t/x/y/graphql'], ['GET', '/t/']])('answers %s %s, a path the gateway does not serve, with a JSON 404', async (method, path) => {
    const response = await fetch(`${gw.baseUrl}${path}`, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('refuses automatic persisted queries with PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    for (const body of [
      { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
    ]) {
      const result = await post(body);
      expect(result.status).toBe(200); // as the persisted-query protocol answers it (clients then send the query)
      expect(result.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
      expect(result.body.data).toBeUndefined();
      expect(await noLeases()).toBe(true);
    }
  });

  it('refuses a subscription with BAD_USER_INPUT (400) before anything runs', async () => {
    const result = await post({ query: 'subscription { me { id } }' });
    expect(result.status).toBe(400);
    expect(result.code).toBe('BAD_USER_INPUT');
    expect(result.body.errors?.[0]?.message).toBe('Subscriptions are not supported');
    expect(await noLeases()).toBe(true);
  });

  it('refuses a cross-site simple request (CSRF prevention)', async () => {
    const result = await post('{"query":"{ me { id } }"}', { 'content-type': 'text/plain' });
    expect(result.status).toBe(400);
    expect(result.text).not.toMatch(/"me"/);
  });

  it.each([
    ['malformed JSON', '{"query": "{ me { id }'],
    ['a query that is not a string', { query: 42 }],
    ['a syntax error', { query: '{ me { id ' }],
    ['an unknown field', { query: '{ patientz { id } }' }],
    ['a wrong variable type', { query: 'query($n: Int) { patients(first: $n) { totalCount } }', variables: { n: 'ten' } }],
    ['an unknown input field (tenantId smuggling)', { query: 'mutation { updatePatient(id: "00000000-0000-4000-8000-000000000000", input: { tenantId: "x" }) { id } }' }],
  ])('answers %s with a 4xx or BAD_USER_INPUT, never a 500', async (_name, body) => {
    const result = await post(body);
    expect(result.status).toBeLessThan(500);
    expect(result.status === 400 || result.code === 'BAD_USER_INPUT').toBe(true);
    expect(result.text).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
  });

  it.each([
    ['a SQL-looking search', "' OR 1=1 --"],
    ['LIKE wildcards', '%_%'],
    ['a backslash', '\\'],
  ])('treats %s in a filter input as plain text', async (_name, search) => {
    const result = await gw.gql(PatientsDocument, { search }, hospital);
    expect(result.errors).toBeUndefined();
    expect(result.data?.patients.totalCount).toBe(0);
  });

  it.each([
    ['a search literal', { query: '{ patients(search: "a\\u0000") { totalCount } }' }, 'search'],
    ['a sign-in literal', { query: 'mutation { login(email: "a\\u0000b@x.org", password: "x") { token } }' }, 'email'],
    ['a variable', { query: 'query($s: String) { patients(search: $s) { totalCount } }', variables: { s: 'a\u0000' } }, '$s'],
    ['a field of an input variable', { query: 'mutation($id: ID!, $input: UpdatePatientInput!) { updatePatient(id: $id, input: $input) { id } }', variables: { id: '00000000-0000-4000-8000-000000000000', input: { lastName: 'x\u0000' } } }, '$input.lastName'],
  ])('refuses a NUL character in %s with BAD_USER_INPUT before anything runs', async (_name, body, field) => {
    const result = await post(body);
    expect(result.status).toBe(400);
    expect(result.code).toBe('BAD_USER_INPUT');
    expect(result.body.errors?.[0]).toMatchObject({ extensions: { fields: { [field]: 'must not contain a NUL character' } } });
    expect(await noLeases()).toBe(true);
  });

  const requestDemo = 'mutation($i: RequestDemoInput!) { requestDemo(input: $i) { id } }';
  const demo = { hospitalName: 'Halfway General', contactName: 'Dr Half', email: 'half@halfway.example' };
  it.each([
    ['an email that is only half of a pair', { ...demo, email: '\ud800' }, '$i.email'],
    ['an email address', { ...demo, email: 'a\ud800@x.org' }, '$i.email'],
    ['an email starting with the second half of a pair', { ...demo, email: '\udc00x' }, '$i.email'],
    ['a name', { ...demo, hospitalName: 'St \udc00 Mary' }, '$i.hospitalName'],
  ])('refuses a lone UTF-16 surrogate in %s of an anonymous demo request with BAD_USER_INPUT before anything runs', async (_name, i, field) => {
    const response = await gw.raw('/graphql', { query: requestDemo, variables: { i } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', fields: { [field]: 'must not contain a lone surrogate (half of a UTF-16 pair)' } } }] });
    const [stored] = await ownerQuery<{ n: string }>(`select count(*) as n from catalog.demo_requests where contact_name = 'Dr Half'`, [], new URL(gw.databaseUrl).pathname.slice(1));
    expect(Number(stored!.n)).toBe(0);
  });

  it('refuses a lone UTF-16 surrogate in a hospital input variable rather than storing U+FFFD in its place', async () => {
    const id = await addPatient(gw, hospital, 'Whole');
    const result = await post({ query: print(UpdatePatientDocument), variables: { id, input: { lastName: 'Wh\ud83dle' } } });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: { '$input.lastName': 'must not contain a lone surrogate (half of a UTF-16 pair)' } } });
    expect((await gw.gql(PatientDocument, { id }, hospital)).data?.patient?.lastName).toBe('Whole');
    expect(await noLeases()).toBe(true);
  });

  it('keeps a character outside the Basic Multilingual Plane (a whole surrogate pair) as sent', async () => {
    const id = await addPatient(gw, hospital, 'Whole');
    const updated = await gw.gql(UpdatePatientDocument, { id, input: { lastName: 'Wh\u{1F600}le' } }, hospital);
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updatePatient.lastName).toBe('Wh\u{1F600}le');
  });

  it('refuses a path slug with a NUL character with TENANT_NOT_FOUND', async () => {
    const response = await gw.raw('/t/under%00attack/graphql', { query: '{ me { id } }' });
    expect(response.status).toBe(404);
    expect(errorCode({ status: response.status, ...(await response.json() as object) })).toBe('TENANT_NOT_FOUND');
  });

  it.each([
    ['a Host header with SQL', { host: "x'; drop table tenants;--.localhost" }],
    ['an overlong Host header', { host: `${'a'.repeat(300)}.localhost` }],
    ['a slug with path traversal', { 'x-tenant-id': '../../etc/passwd' }],
  ])('answers %s with TENANT_NOT_FOUND', async (_name, headers) => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gw.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ me { id } }' }));
    });
    expect(status).toBe(404);
  });

  /** A POST with the request target exactly as given (an absolute-form target too), over raw HTTP. */
  const postTo = (target: string, body: unknown, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: { data?: { me?: { email?: string } | null } | null; errors?: { extensions?: { code?: string } }[] } }>((resolve, reject) => {
      const req = request({ port: new URL(gw.baseUrl).port, method: 'POST', path: target, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });

  it.each([
    ['an upper-case path prefix', () => `/T/${hospital.slug}/graphql`, 404, 'NOT_FOUND'],
    ['an absolute-form target naming an unknown hospital', () => `http://127.0.0.1/t/nosuch/graphql`, 404, 'TENANT_NOT_FOUND'],
    ['an absolute-form target whose host is an unknown hospital domain', () => `http://records.nosuch-hospital.org/graphql`, 404, 'TENANT_NOT_FOUND'],
    ['an absolute-form target with an empty host', () => 'http:///graphql', 400, 'BAD_USER_INPUT'],
    ['an absolute-form target with a port but no host', () => 'http://:80/graphql', 400, 'BAD_USER_INPUT'],
    ['an absolute-form target with user information but no host', () => 'http://admin@/graphql', 400, 'BAD_USER_INPUT'],
  ])('never runs a request with %s centrally', async (_name, target, status, code) => {
    const admin = await postTo(target(), { query: `mutation { login(email: "${ADMIN.email}", password: "${ADMIN.password}") { token } }` });
    expect(admin.status).toBe(status);
    expect(admin.body.errors?.[0]?.extensions?.code).toBe(code);
  });

  it('runs an absolute-form target naming a hospital in that hospital', async () => {
    const result = await postTo(`http://127.0.0.1/t/${hospital.slug}/graphql`, { query: '{ me { email } }' }, auth());
    expect(result.status).toBe(200);
    expect(result.body.data?.me?.email).toBe(`admin@${hospital.slug}.test`);
  });

  it('refuses an unknown path slug with TENANT_NOT_FOUND', async () => {
    const response = await gw.raw('/t/%27%20or%201%3D1/graphql', { query: '{ me { id } }' });
    expect(response.status).toBe(404);
    expect(errorCode({ status: response.status, ...(await response.json() as object) })).toBe('TENANT_NOT_FOUND');
  });
});

/** Clients that send a request too slowly to hold a connection open: cut at REQUEST_TIMEOUT_MS, give or take the check interval. */
describe('slow clients over raw sockets', () => {
  const TIMEOUT_MS = 1_000;
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) });
  });
  afterAll(() => gw.stop());

  /**
   * Connects, writes `head` and then one more of `trickle` every 200 ms, and resolves with what the
   * server answered and after how long it closed the connection (null if still open after 5 s).
   */
  const trickle = (head: string, drip: string) =>
    new Promise<{ answer: string; closedAfterMs: number | null }>((resolve) => {
      const started = Date.now();
      const socket = connect(Number(new URL(gw.baseUrl).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      const finish = (closedAfterMs: number | null) => {
        clearInterval(dripping);
        clearTimeout(giveUp);
        socket.destroy();
        resolve({ answer: Buffer.concat(chunks).toString('latin1'), closedAfterMs });
      };
      const dripping = setInterval(() => drip && !socket.destroyed && socket.write(drip), 200);
      const giveUp = setTimeout(() => finish(null), 5_000);
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => undefined);
      socket.on('close', () => finish(Date.now() - started));
      if (head) socket.write(head);
    });

  it.each([
    ['headers that never end', 'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: a\r\n'],
    ['a body that never ends', 'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":"', 'a'],
    ['nothing at all', '', ''],
  ])('answers a client that sends %s with 408 and closes its connection once REQUEST_TIMEOUT_MS has passed', async (_name, head, drip) => {
    const { answer, closedAfterMs } = await trickle(head, drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    // At most one check interval (a second) late, with a second's slack for a busy machine.
    expect(closedAfterMs!).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it('still serves a request that arrives in time', async () => {
    const response = await gw.raw('/graphql', { query: '{ __typename }' });
    expect(response.status).toBe(200);
  });
});
