import { randomUUID } from 'node:crypto';
import { ownerQuery } from '../fixtures/database';
import { ADMIN, TestGateway } from '../fixtures/gateway';
import { dbName } from '../fixtures/transfer';

/** A platform admin's request refused before it ran leaves an entry where the request would have; nobody else's does. */
describe('audit of requests refused before they ran', () => {
  let gw: TestGateway;
  let platform: string;
  let hospital: { id: string; slug: string; token: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
    hospital = await gw.createTenant({ slug: 'refused-audit' });
  });
  afterAll(() => gw.stop());

  /** Sends `query` as-is and returns its request id and the code it was answered with. */
  async function send(query: string, options: { token?: string; slug?: string } = {}): Promise<{ requestId: string; code: unknown }> {
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'x-request-id': requestId };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await gw.raw(options.slug ? `/t/${options.slug}/graphql` : '/graphql', { query }, headers);
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { requestId, code: body.errors?.[0]?.extensions?.code };
  }
  const central = (requestId: string) =>
    ownerQuery(`select actor_email, operation, outcome, error_code, detail, source from catalog.platform_audit where request_id = $1 order by operation`, [requestId], dbName(gw));
  const inHospital = async (requestId: string) => {
    const schema = (await gw.tenancy.store.bySlug(hospital.slug))!.placement.schema;
    return ownerQuery(
      `select actor_kind, operation, operation_type, outcome, error_code, detail from ${schema}.audit_log where tenant_id = $1 and request_id = $2 order by operation`,
      [hospital.id, requestId], dbName(gw),
    );
  };
  const refused = { outcome: 'FAILURE', error_code: 'BAD_USER_INPUT', detail: 'refused before it ran' };

  it('records a platform admin’s mutation on the platform host refused for having two fields, one entry per field', async () => {
    const sent = await send('mutation { a: suspendTenant(slug: "refused-audit") { id } b: resumeTenant(slug: "refused-audit") { id } }', { token: platform });
    expect(sent.code).toBe('BAD_USER_INPUT');
    expect(await central(sent.requestId)).toEqual([
      { ...refused, actor_email: ADMIN.email, operation: 'resumeTenant', source: 'API' },
      { ...refused, actor_email: ADMIN.email, operation: 'suspendTenant', source: 'API' },
    ]);
  });

  it('records a platform admin’s mutation on the platform host that failed validation, and one that did not parse', async () => {
    const invalid = await send('mutation { suspendTenant(slug: "refused-audit", force: true) { id } }', { token: platform });
    expect(await central(invalid.requestId)).toEqual([{ ...refused, actor_email: ADMIN.email, operation: 'suspendTenant', source: 'API' }]);
    const unparsed = await send('mutation { suspendTenant(slug: ', { token: platform });
    expect(await central(unparsed.requestId)).toEqual([{ ...refused, actor_email: ADMIN.email, operation: '(unparsed)', source: 'API' }]);
  });

  it('leaves a platform admin’s refused query on the platform host out, as their queries there are', async () => {
    const sent = await send('{ tenants(first: 1, bogus: 1) { totalCount } }', { token: platform });
    expect(sent.code).toBe('BAD_USER_INPUT');
    expect(await central(sent.requestId)).toEqual([]);
  });

  it('records a platform admin’s refused request inside a hospital, a query included, in the hospital’s trail', async () => {
    const query = await send('{ patients(first: 1, bogus: 1) { totalCount } }', { token: platform, slug: hospital.slug });
    expect(query.code).toBe('BAD_USER_INPUT');
    expect(await inHospital(query.requestId)).toEqual([{ ...refused, actor_kind: 'platform', operation: 'patients', operation_type: 'query' }]);
    const mutation = await send('mutation { createPatient { id } }', { token: platform, slug: hospital.slug });
    expect(await inHospital(mutation.requestId)).toEqual([{ ...refused, actor_kind: 'platform', operation: 'createPatient', operation_type: 'mutation' }]);
  });

  it('records no refused request of an anonymous caller or a hospital user, on the platform host or inside a hospital', async () => {
    const attempts = [
      await send('mutation { a: suspendTenant(slug: "refused-audit") { id } b: resumeTenant(slug: "refused-audit") { id } }'),
      await send('mutation { suspendTenant(slug: ', { slug: hospital.slug }),
      await send('mutation { createPatient { id } }', { token: hospital.token, slug: hospital.slug }),
    ];
    for (const { requestId, code } of attempts) {
      expect(code).toBe('BAD_USER_INPUT');
      expect([...(await central(requestId)), ...(await inHospital(requestId))]).toEqual([]);
    }
  });
});

describe('audit of requests refused by the rate limits', () => {
  let gw: TestGateway;

  // One request a minute for a platform admin (600 scaled down, at least 1).
  beforeAll(async () => {
    gw = await TestGateway.start({ RATE_LIMIT_MULTIPLIER: '0.001', RATE_LIMIT_PUBLIC_PER_MINUTE: '20000' });
  });
  afterAll(() => gw.stop());

  it('records a platform admin’s request the rate limits refused nowhere: each would be the work the limit spares', async () => {
    const headers = { authorization: `Bearer ${await gw.platformToken()}` };
    const mutation = { query: 'mutation { suspendTenant(slug: "nobody-here") { id } }' };
    const ran = await gw.raw('/graphql', mutation, { ...headers, 'x-request-id': randomUUID() });
    const limited = randomUUID();
    const refused = await gw.raw('/graphql', mutation, { ...headers, 'x-request-id': limited });
    expect([ran.status, refused.status]).toEqual([200, 429]);
    const entries = await ownerQuery<{ request_id: string; error_code: string }>(
      `select request_id, error_code from catalog.platform_audit where operation = 'suspendTenant'`, [], dbName(gw),
    );
    expect(entries.map((e) => e.error_code)).toEqual(['NOT_FOUND']);
    expect(entries.some((e) => e.request_id === limited)).toBe(false);
  });
});
