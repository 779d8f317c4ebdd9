import { Client } from 'pg';
import { Isolation } from '../../../src/tenancy';
import { derivePlacement } from '../../../src/tenancy/placement';
import type { SessionLock } from '../../../src/tenancy/session-lock';
import { TransferClaims } from '../../../src/tenancy/transfer/claims';
import { MoveInterruptedError } from '../../../src/tenancy/transfer/switch';
import { runCli } from '../../fixtures/cli';
import { ownerQuery, testServerUrl } from '../../fixtures/database';
import { untilWaitingOnLock } from '../../fixtures/locks';
import { TestGateway } from '../../fixtures/gateway';
import { catalogEntry, dbName, rowsLeft, seedHospital, type CatalogEntry } from '../../fixtures/transfer';

const { SHARED, SCHEMA, DATABASE } = Isolation;
const PAIRS = [[SCHEMA, SHARED], [SHARED, SCHEMA], [SCHEMA, DATABASE]] as const;

describe('purging a hospital whose move did not finish', () => {
  let gw: TestGateway;
  let n = 0;

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  const claims = async (id: string) => ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [id], dbName(gw));
  const purge = (slug: string) => runCli(gw.databaseUrl, ['purge-tenant', slug, '--force']);

  async function hospitalIn(isolation: Isolation) {
    const hospital = await gw.createTenant({ slug: `purge-moving-${(n += 1)}`, isolation });
    await seedHospital(gw, hospital, 3);
    return { ...hospital, before: (await catalogEntry(gw, hospital.slug))! };
  }

  /** Rows of the hospital left anywhere a placement of `to` could be (its rows in the shared pool, its schema or database). */
  async function leftIn(entry: CatalogEntry, to: Isolation): Promise<number> {
    const target = derivePlacement(to, entry.id, dbName(gw));
    if (to === DATABASE) {
      const found = await ownerQuery<{ datname: string }>('select datname from pg_database where datname like $1', [`${target.database}%`]);
      let rows = 0;
      for (const { datname } of found) rows += 1 + (await rowsLeft(datname, target.schema, entry.id));
      return rows;
    }
    if (to === SCHEMA) return (await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [target.schema], dbName(gw))).length + (await rowsLeft(dbName(gw), target.schema, entry.id));
    return rowsLeft(dbName(gw), target.schema, entry.id);
  }

  /** A move whose process died while catching up: target created and filled, its record left, its lock free. */
  async function diedWhileCatchingUp(hospital: { slug: string; before: CatalogEntry }, to: Isolation) {
    const attempt = gw.tenancy.transfer.move(hospital.slug, to, {
      afterStep: (step) => {
        if (step === 'catch-up') throw new MoveInterruptedError('killed');
      },
    });
    await expect(attempt).rejects.toThrow('killed');
    expect(await leftIn(hospital.before, to)).toBeGreaterThan(0);
  }

  describe.each(PAIRS)('from %s to %s', (from, to) => {
    it('destroys the copy of the move as well as the hospital, and settles the move', async () => {
      const hospital = await hospitalIn(from);
      await diedWhileCatchingUp(hospital, to);
      await gw.tenancy.lifecycle.softDelete(hospital.slug);

      const purged = await purge(hospital.slug);
      expect({ code: purged.code, stderr: purged.stderr }).toEqual({ code: 0, stderr: '' });
      expect(await catalogEntry(gw, hospital.slug)).toBeUndefined();
      expect(await leftIn(hospital.before, to)).toBe(0);
      expect(await leftIn(hospital.before, from)).toBe(0);
      expect(await claims(hospital.before.id)).toHaveLength(0);
    });
  });

  it('finishes a move that died after its switch: the old placement goes too', async () => {
    const hospital = await hospitalIn(SCHEMA);
    const { id, schema_name: oldSchema } = hospital.before;
    await gw.tenancy.transfer.move(hospital.slug, SHARED);
    // The old placement was never removed and the record of the move survived its process.
    await gw.tenancy.strategies[SCHEMA].create({ server: 'main', database: dbName(gw), schema: oldSchema });
    await ownerQuery(
      `insert into catalog.tenant_transfers values ($1, 'SCHEMA', 'main', $2, $3, 'SHARED', 'main', $2, 'tenants_shared', now() - interval '1 hour')`,
      [id, dbName(gw), oldSchema], dbName(gw),
    );
    await gw.tenancy.lifecycle.softDelete(hospital.slug);
    expect((await purge(hospital.slug)).code).toBe(0);
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [oldSchema], dbName(gw))).toHaveLength(0);
    expect(await rowsLeft(dbName(gw), 'tenants_shared', id)).toBe(0);
    expect(await claims(id)).toHaveLength(0);
  });

  it('refuses with CONFLICT, destroying nothing, while a move of the hospital still runs (holds its lock)', async () => {
    const hospital = await hospitalIn(SHARED);
    await diedWhileCatchingUp(hospital, SCHEMA);
    const lock = (await new TransferClaims(gw.tenancy).lock(hospital.before.id))!;
    try {
      await gw.tenancy.lifecycle.softDelete(hospital.slug);
      const refused = await purge(hospital.slug);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toBe(`CONFLICT: A move of "${hospital.slug}" is under way; try again once it has ended`);
    } finally {
      await lock.release();
    }
    expect((await catalogEntry(gw, hospital.slug))!.status).toBe('DELETED');
    expect(await rowsLeft(dbName(gw), 'tenants_shared', hospital.before.id)).toBeGreaterThan(0);
    expect(await claims(hospital.before.id)).toHaveLength(1);
  });

  it('refuses a purge when a move records itself while the purge looks for one, destroying nothing', async () => {
    const hospital = await hospitalIn(SHARED);
    await gw.tenancy.lifecycle.softDelete(hospital.slug);
    const { id } = hospital.before;
    // A move that read the hospital before its deletion records itself, uncommitted, as the purge starts,
    // and holds its lock once the purge has looked for a move (and found none).
    const mover = new Client({ connectionString: gw.databaseUrl });
    await mover.connect();
    let ended = false;
    let lock: SessionLock | null = null;
    try {
      await mover.query('begin');
      await mover.query(`insert into catalog.tenant_transfers values ($1, 'SHARED', 'main', $2, 'tenants_shared', 'SCHEMA', 'main', $2, 'x', now())`, [id, dbName(gw)]);
      const purging = gw.tenancy.lifecycle.purge(hospital.slug, { force: true });
      void purging.then(() => (ended = true), () => (ended = true));
      await untilWaitingOnLock(testServerUrl(), dbName(gw), () => ended);
      lock = await new TransferClaims(gw.tenancy).lock(id);
      await mover.query('commit');
      await expect(purging).rejects.toMatchObject({ code: 'CONFLICT', message: `A move of "${hospital.slug}" is under way; try again once it has ended` });
    } finally {
      await lock?.release();
      await mover.end();
    }
    expect((await catalogEntry(gw, hospital.slug))!.status).toBe('DELETED');
    expect(await rowsLeft(dbName(gw), 'tenants_shared', id)).toBeGreaterThan(0);
    expect(await claims(id)).toHaveLength(1);
    await ownerQuery('delete from catalog.tenant_transfers where tenant_id = $1', [id], dbName(gw));
  });

  it.each(PAIRS)('leaves no copy of a hospital deleted while it was moved from %s to %s, and the purge leaves nothing', async (from, to) => {
    const hospital = await hospitalIn(from);
    const moved = gw.tenancy.transfer.move(hospital.slug, to, {
      afterStep: async (step) => {
        if (step === 'catch-up') await gw.tenancy.lifecycle.softDelete(hospital.slug);
      },
    });
    await expect(moved).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await catalogEntry(gw, hospital.slug)).toEqual({ ...hospital.before, status: 'DELETED' });
    expect(await leftIn(hospital.before, to)).toBe(0);
    expect(await claims(hospital.before.id)).toHaveLength(0);
    expect((await purge(hospital.slug)).code).toBe(0);
    expect(await leftIn(hospital.before, from)).toBe(0);
  });
});
