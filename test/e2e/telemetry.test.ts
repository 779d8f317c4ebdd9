import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { safeErrorSerializer } from '../../src/logger';
import { createTestDatabase } from '../fixtures/database';
import { ADMIN, STAFF_PASSWORD } from '../fixtures/gateway';

describe('telemetry', () => {
  let app: App;
  let base: string;
  const lines: Record<string, unknown>[] = [];
  const post = (path: string, query: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).trim().split('\n').map((l) => JSON.parse(l))); done(); } });
    const config = loadConfig({
      NODE_ENV: 'test', JWT_SECRET: 't'.repeat(40), DATA_DIR: '/nonexistent', PLATFORM_ADMIN_EMAIL: ADMIN.email, PLATFORM_ADMIN_PASSWORD: ADMIN.password,
      SLOW_OPERATION_MS: '0', METRICS_TOKEN: 'metrics-secret',
    });
    app = await createApp(config, await createTestDatabase(), { logger: createLogger('info', sink) });
    base = `http://127.0.0.1:${await app.listen(0)}`;
    const login = await (await post('/graphql', `mutation { login(email: "${ADMIN.email}", password: "${ADMIN.password}") { token } }`)).json() as { data: { login: { token: string } } };
    const auth = { authorization: `Bearer ${login.data.login.token}` };
    await post('/graphql', `mutation { createTenant(input: { slug: "metrics-a", name: "A", admin: { email: "a@a.test", password: "${STAFF_PASSWORD}" } }) { id } }`, auth);
    await post('/t/metrics-a/graphql', 'mutation { createPatient(input: { firstName: "Zelda", lastName: "Secretname", birthDate: "1990-01-01", mrn: "SECRET-MRN" }) { id } }', { ...auth, 'x-request-id': 'req-telemetry-1' });
    await post('/t/metrics-a/graphql', 'mutation { createPatient(input: { firstName: "Zelda", lastName: "Secretname", birthDate: "1990-01-01", mrn: "SECRET-MRN" }) { id } }', auth);
    await post('/t/metrics-a/graphql', '{ patients { totalCount } }');
    await post('/t/no-such-hospital/graphql', '{ me { id } }');
  });
  afterAll(() => app.stop());

  it('serves Prometheus metrics per hospital and operation, with errors and pool usage, to the token holder', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const response = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-secret' } });
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/sovereign_graphql_requests_total\{tenant="metrics-a",operation="createPatient",type="mutation",outcome="success"\} 1/);
    expect(text).toMatch(/sovereign_graphql_requests_total\{tenant="metrics-a",operation="createPatient",type="mutation",outcome="error"\} 1/);
    expect(text).toMatch(/sovereign_graphql_errors_total\{tenant="metrics-a",operation="createPatient",code="CONFLICT"\} 1/);
    expect(text).toMatch(/sovereign_graphql_errors_total\{tenant="metrics-a",operation="patients",code="UNAUTHENTICATED"\} 1/);
    expect(text).toMatch(/sovereign_graphql_request_duration_seconds_count\{tenant="platform",operation="createTenant",type="mutation"\} 1/);
    expect(text).toMatch(/sovereign_graphql_rejected_total\{code="TENANT_NOT_FOUND"\} 1/);
    expect(text).toMatch(/sovereign_db_open_pools \d+/);
    expect(text).toMatch(/sovereign_db_pool_leases_in_use 0/);
  });

  it('logs each request as JSON with its request id and hospital slug, and echoes the request id', async () => {
    const line = lines.find((l) => l.requestId === 'req-telemetry-1' && l.msg === 'graphql request');
    expect(line).toMatchObject({ tenant: 'metrics-a', operation: 'createPatient', type: 'mutation', errors: [], service: 'sovereign' });
    const response = await post('/t/metrics-a/graphql', '{ me { id } }', { 'x-request-id': 'req-echo' });
    expect(response.headers.get('x-request-id')).toBe('req-echo');
  });

  it('logs operations slower than the threshold as slow', () => {
    expect(lines.some((l) => l.msg === 'slow operation' && l.operation === 'createPatient' && l.thresholdMs === 0)).toBe(true);
  });

  it('writes no patient data to the logs', () => {
    const all = JSON.stringify(lines);
    expect(all).not.toMatch(/Secretname|SECRET-MRN|Zelda/);
  });

  it('strips row values from database errors before they are logged', () => {
    const error = new UniqueConstraintViolationException(Object.assign(new Error("insert into patients values ('Zelda', 'SECRET-MRN') - duplicate key"), {
      code: '23505', detail: 'Key (tenant_id, mrn)=(x, SECRET-MRN) already exists.', constraint: 'patients_tenant_id_mrn_key',
    }));
    const logged = JSON.stringify(safeErrorSerializer(error));
    expect(logged).not.toMatch(/SECRET-MRN|Zelda/);
    expect(logged).toMatch(/23505/);
    expect(logged).toMatch(/patients_tenant_id_mrn_key/);
  });

  it('strips the statement from a database error that has no SQL state (a connection lost mid-statement)', () => {
    const error = new DriverException(new Error("insert into patients values ('Zelda', 'SECRET-MRN') - Connection terminated unexpectedly"));
    const logged = JSON.stringify(safeErrorSerializer(error));
    expect(logged).not.toMatch(/SECRET-MRN|Zelda|insert into/);
    expect(logged).toMatch(/Connection terminated unexpectedly/);
  });
});
