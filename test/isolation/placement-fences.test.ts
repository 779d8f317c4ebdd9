import { Client } from 'pg';
import { SHARED_SCHEMA } from '../../src/tenancy/placement';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { dbName } from '../fixtures/transfer';

describe('placement fences', () => {
  let gw: TestGateway;
  let a: string;
  let b: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    a = (await gw.createTenant({ slug: 'fence-a' })).id;
    b = (await gw.createTenant({ slug: 'fence-b' })).id;
    await ownerQuery(`insert into ${SHARED_SCHEMA}.placement_fences (tenant_id) values ($1)`, [b], dbName(gw));
  });
  afterAll(() => gw.stop());

  async function asRuntimeRole<T>(tenantId: string, sql: string): Promise<T[]> {
    const client = new Client({ connectionString: gw.tenancy.servers.runtimeUrl('main', dbName(gw)) });
    await client.connect();
    try {
      await client.query('begin');
      await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.query('rollback').catch(() => undefined);
      await client.end();
    }
  }

  it.each([
    ['insert', `insert into ${SHARED_SCHEMA}.placement_fences (tenant_id) values ('A')`],
    ['delete', `delete from ${SHARED_SCHEMA}.placement_fences`],
    ['update', `update ${SHARED_SCHEMA}.placement_fences set fenced_at = now()`],
  ])('cannot be written by the runtime role (%s)', async (_what, sql) => {
    await expect(asRuntimeRole(a, sql.replace("'A'", `'${a}'`))).rejects.toThrow(/permission denied/);
  });

  it('shows the runtime role its own hospital’s fence only', async () => {
    expect(await asRuntimeRole(a, `select tenant_id from ${SHARED_SCHEMA}.placement_fences`)).toEqual([]);
    expect(await asRuntimeRole(b, `select tenant_id from ${SHARED_SCHEMA}.placement_fences`)).toEqual([{ tenant_id: b }]);
  });
});
