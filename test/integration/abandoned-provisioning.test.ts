import { randomUUID } from 'node:crypto';
import { Isolation, Plan } from '../../src/tenancy';
import { derivePlacement } from '../../src/tenancy/placement';
import { runCli } from '../fixtures/cli';
import { ownerQuery, testServerUrl } from '../fixtures/database';
import { FaultProxy } from '../fixtures/fault-proxy';
import { TestGateway } from '../fixtures/gateway';
import { dbName } from '../fixtures/transfer';

/** Waits until `done` holds (the sweep a provisioning starts runs beside it). */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; !(await done()); attempt += 1) {
    if (attempt === 200) throw new Error('never happened');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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

  it('is removed with its half-made placement by the next provisioning that needs its domain, which then takes it', async () => {
    const died = await leftBy('died-creating', 11);
    const created = await gw.tenancy.provisioner.create({ slug: 'next-one', name: 'Next', isolation: Isolation.SCHEMA, plan: Plan.TRIAL, domains: ['died-creating.example.org'] }, {});
    expect(created).toMatchObject({ slug: 'next-one', status: 'ACTIVE' });
    expect(await entry(died.id)).toBeUndefined();
    expect(await schemaExists(died.schema)).toBe(false);
  });

  it('is removed with its half-made placement beside the next provisioning of any other hospital', async () => {
    const died = await leftBy('died-elsewhere', 11);
    const created = await gw.tenancy.provisioner.create({ slug: 'unrelated', name: 'Unrelated', isolation: Isolation.SCHEMA, plan: Plan.TRIAL }, {});
    expect(created).toMatchObject({ slug: 'unrelated', status: 'ACTIVE' });
    await until(async () => (await entry(died.id)) === undefined);
    expect(await schemaExists(died.schema)).toBe(false);
  });

  it('one that cannot be removed is reported and left for the next sweep, and neither stops the others being removed nor fails a provisioning', async () => {
    const refusing = await leftBy('refuses-removal', 12);
    const other = await leftBy('removed-anyway', 11);
    await ownerQuery(
      `create function catalog.refuse_removal() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$;
       create trigger refuse_removal before delete on catalog.tenants for each row when (old.slug = 'refuses-removal') execute function catalog.refuse_removal()`,
      [], dbName(gw),
    );
    const reported: string[] = [];
    gw.tenancy.provisioner.onSweepFailed = (error, slug) => reported.push(`${slug}: ${error instanceof Error ? error.message : String(error)}`);
    try {
      const created = await gw.tenancy.provisioner.create({ slug: 'despite-it', name: 'Despite', isolation: Isolation.SCHEMA, plan: Plan.TRIAL }, {});
      expect(created).toMatchObject({ slug: 'despite-it', status: 'ACTIVE' });
      await until(async () => (await entry(other.id)) === undefined);
      await gw.tenancy.provisioner.removeAbandoned();
      expect(await entry(refusing.id)).toEqual({ status: 'PROVISIONING' });
      expect(reported[0]).toMatch(/^refuses-removal: .*refused/);
    } finally {
      await ownerQuery('drop trigger refuse_removal on catalog.tenants; drop function catalog.refuse_removal()', [], dbName(gw));
    }
    expect(await gw.tenancy.provisioner.removeAbandoned()).toEqual(['refuses-removal']);
    expect(await entry(refusing.id)).toBeUndefined();
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

describe('a provisioning that died part-way on a database server that accepts connections and never answers', () => {
  let proxy: FaultProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    proxy = await FaultProxy.start(testServerUrl());
    const east = new URL(testServerUrl());
    east.pathname = '/postgres';
    // Long enough that the sweep is still waiting on the server when the provisioning is done.
    gw = await TestGateway.start({ TENANT_DATABASE_SERVERS: `east=${proxy.via(east.toString())}`, DB_CONNECT_TIMEOUT_MS: '120000' });
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
    await proxy?.close();
  });

  it('holds up no provisioning: the hospital is made while the sweep still waits on that server', async () => {
    const id = randomUUID();
    const { database } = derivePlacement(Isolation.DATABASE, id, dbName(gw), 'east');
    await ownerQuery(
      `insert into catalog.tenants (id, slug, name, isolation, plan, status, server_name, database_name, schema_name, created_at)
       values ($1, 'died-on-east', 'Died', 'DATABASE', 'TRIAL', 'PROVISIONING', 'east', $2, 'public', now() - interval '11 minutes')`,
      [id, database], dbName(gw),
    );
    const reached = proxy.silenceNew();
    const left: string[] = [];
    gw.tenancy.provisioner.onLeftBehind = (l) => left.push(l.slug);
    const created = await gw.tenancy.provisioner.create({ slug: 'made-meanwhile', name: 'Meanwhile', isolation: Isolation.SCHEMA, plan: Plan.TRIAL }, {});
    expect(created).toMatchObject({ slug: 'made-meanwhile', status: 'ACTIVE' });
    await reached;
    const [stale] = await ownerQuery<{ status: string }>('select status from catalog.tenants where id = $1', [id], dbName(gw));
    expect(stale).toEqual({ status: 'PROVISIONING' });

    // The server's connections end: the sweep gives up on the placement, reports it, and removes the entry.
    await proxy.close();
    await gw.tenancy.provisioner.removeAbandoned();
    expect(left).toEqual(['died-on-east']);
    expect(await ownerQuery('select 1 from catalog.tenants where id = $1', [id], dbName(gw))).toEqual([]);
  });
});
