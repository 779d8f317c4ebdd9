import { randomUUID } from 'node:crypto';
import { Isolation, Plan } from '../../src/tenancy';
import { derivePlacement } from '../../src/tenancy/placement';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { dbName } from '../fixtures/transfer';

describe('a provisioning that died part-way', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  const entry = async (id: string) => (await ownerQuery<{ status: string }>('select status from catalog.tenants where id = $1', [id], dbName(gw)))[0];
  const schemaExists = async (schema: string) => (await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [schema], dbName(gw))).length === 1;

  /**
   * What a gateway killed while it made a SCHEMA hospital leaves: its PROVISIONING entry (with a custom
   * domain) and its schema, half made, `minutes` ago, and no process holding its lock.
   */
  async function leftBy(slug: string, minutes: number): Promise<{ id: string; schema: string }> {
    const id = randomUUID();
    const { schema } = derivePlacement(Isolation.SCHEMA, id, dbName(gw));
    await ownerQuery(
      `insert into catalog.tenants (id, slug, name, isolation, plan, status, server_name, database_name, schema_name, created_at)
       values ($1, $2, 'Died', 'SCHEMA', 'TRIAL', 'PROVISIONING', 'main', $3, $4, now() - make_interval(mins => $5))`,
      [id, slug, dbName(gw), schema, minutes], dbName(gw),
    );
    await ownerQuery('insert into catalog.tenant_domains (id, tenant_id, hostname, is_primary) values (gen_random_uuid(), $1, $2, true)', [id, `${slug}.example.org`], dbName(gw));
    await ownerQuery(`create schema "${schema}"; create table "${schema}".users (id uuid)`, [], dbName(gw));
    return { id, schema };
  }

  it('is removed with its half-made placement by the next provisioning of any hospital, which may then take its domain', async () => {
    const died = await leftBy('died-creating', 11);
    const created = await gw.tenancy.provisioner.create({ slug: 'next-one', name: 'Next', isolation: Isolation.SCHEMA, plan: Plan.TRIAL, domains: ['died-creating.example.org'] }, {});
    expect(created).toMatchObject({ slug: 'next-one', status: 'ACTIVE' });
    expect(await entry(died.id)).toBeUndefined();
    expect(await schemaExists(died.schema)).toBe(false);
  });

  it('is removed by migrate, which names it', async () => {
    const died = await leftBy('died-migrating', 11);
    const run = await runCli(gw.databaseUrl, ['migrate']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('removed hospitals whose provisioning died part-way: died-migrating');
    expect(await entry(died.id)).toBeUndefined();
    expect(await schemaExists(died.schema)).toBe(false);
  });

  it('is removed when a gateway starts', async () => {
    const died = await leftBy('died-starting', 11);
    const replica = await TestGateway.start({}, gw.databaseUrl);
    await replica.stop();
    expect(await entry(died.id)).toBeUndefined();
    expect(await schemaExists(died.schema)).toBe(false);
  });

  it('is left alone for its first 10 minutes, and so is one whose process still holds its lock however old', async () => {
    const recent = await leftBy('died-recently', 2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const atPlacement = new Promise<void>((resolve) => (reached = resolve));
    const slow = gw.tenancy.provisioner.create({ slug: 'still-going', name: 'Slow', isolation: Isolation.SCHEMA, plan: Plan.TRIAL }, {
      afterStep: async (step) => {
        if (step !== 'placement') return;
        reached();
        await gate;
      },
    });
    await atPlacement;
    await ownerQuery("update catalog.tenants set created_at = now() - interval '1 hour' where slug = 'still-going'", [], dbName(gw));
    expect(await gw.tenancy.provisioner.removeAbandoned()).toEqual([]);
    expect(await entry(recent.id)).toEqual({ status: 'PROVISIONING' });
    release();
    await expect(slow).resolves.toMatchObject({ slug: 'still-going', status: 'ACTIVE' });
  });
});
