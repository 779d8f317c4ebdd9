import { join } from 'node:path';
import { Isolation, TenantSession } from '../../../src/tenancy';
import type { MoveStep } from '../../../src/tenancy/transfer';
import { TransferClaims } from '../../../src/tenancy/transfer/claims';
import { MoveInterruptedError } from '../../../src/tenancy/transfer/switch';
import { derivePlacement } from '../../../src/tenancy/placement';
import { CreatePatientDocument, PatientsDocument } from '../../e2e/generated/graphql';
import { ownerQuery } from '../../fixtures/database';
import { STAFF_PASSWORD, TestGateway } from '../../fixtures/gateway';
import { archiveDir, catalogEntry, dbName, dumpHospital, rowsLeft, seedHospital, type CatalogEntry } from '../../fixtures/transfer';

const { SHARED, SCHEMA, DATABASE } = Isolation;
const STEPS: MoveStep[] = ['placement', 'copy', 'catch-up', 'synced', 'verified', 'fenced'];
const PAIRS = [[SHARED, DATABASE], [DATABASE, SCHEMA], [SCHEMA, SHARED]] as const;

/** A move's `afterStep` that waits at step `at` until `resume`; `arrived` resolves when it gets there. */
function pause(at: MoveStep) {
  let resume!: () => void;
  let reached!: () => void;
  const resumed = new Promise<void>((r) => (resume = r));
  const arrived = new Promise<void>((r) => (reached = r));
  const afterStep = async (step: MoveStep) => {
    if (step !== at) return;
    reached();
    await resumed;
  };
  return { afterStep, arrived, resume };
}

describe('a move that fails half-way', () => {
  let gw: TestGateway;
  let n = 0;

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  async function hospitalIn(isolation: Isolation) {
    const hospital = await gw.createTenant({ slug: `broken-move-${(n += 1)}`, isolation });
    await seedHospital(gw, hospital, 3);
    return { ...hospital, before: (await catalogEntry(gw, hospital.slug))!, data: await dumpHospital(gw, hospital.slug) };
  }

  async function expectIntact(hospital: { slug: string; token: string; before: CatalogEntry; data: Record<string, string[]> }, to: Isolation) {
    expect(await catalogEntry(gw, hospital.slug)).toEqual(hospital.before);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(hospital.data);
    const { id, schema_name: schema } = hospital.before;
    const target = derivePlacement(to, id, dbName(gw));
    if (to === SHARED) expect(await rowsLeft(dbName(gw), target.schema, id)).toBe(0);
    if (to === SCHEMA) expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [target.schema], dbName(gw))).toHaveLength(0);
    if (to === DATABASE) expect(await ownerQuery('select 1 from pg_database where datname like $1', [`${target.database}%`])).toHaveLength(0);
    const fences = await ownerQuery(`select 1 from "${schema}".placement_fences where tenant_id = $1`, [id], hospital.before.database_name);
    expect(fences).toHaveLength(0);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [id], dbName(gw))).toHaveLength(0);
    const created = await gw.gql(CreatePatientDocument, { input: { firstName: 'After', lastName: 'Failure', birthDate: '2000-01-01', mrn: 'AFTER-1' } }, hospital);
    expect(created.errors).toBeUndefined();
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(4);
  }

  describe.each(PAIRS)('from %s to %s', (from, to) => {
    it.each(STEPS)('leaves the hospital intact where it was when it fails after the %s step, and a retry succeeds', async (failAt) => {
      const hospital = await hospitalIn(from);
      const attempt = gw.tenancy.transfer.move(hospital.slug, to, {
        afterStep: (step) => {
          if (step === failAt) throw new Error(`injected failure after ${step}`);
        },
      });
      await expect(attempt).rejects.toThrow(`injected failure after ${failAt}`);
      await expectIntact(hospital, to);

      await gw.tenancy.transfer.move(hospital.slug, to);
      expect((await catalogEntry(gw, hospital.slug))!.isolation).toBe(to);
      expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(4);
    });
  });

  it('does not switch when the copy does not verify, and leaves the hospital intact', async () => {
    const hospital = await hospitalIn(SHARED);
    const target = derivePlacement(SCHEMA, hospital.before.id, dbName(gw));
    const attempt = gw.tenancy.transfer.move(hospital.slug, SCHEMA, {
      afterStep: async (step) => {
        if (step === 'synced') await ownerQuery(`update "${target.schema}".patients set first_name = 'Corrupted' where mrn = 'MRN-1'`, [], dbName(gw));
      },
    });
    await expect(attempt).rejects.toThrow(/checksums differ.*patients/);
    await expectIntact(hospital, SCHEMA);
  });

  it('gives up, leaving the hospital intact, when a request holds it past the hold timeout', async () => {
    const hospital = await hospitalIn(SCHEMA);
    const busy = gw.tenancy.session((await gw.tenancy.store.bySlug(hospital.slug))!);
    await busy.em(); // a request in flight: holds the hospital's shared hold until it ends
    try {
      await expect(gw.tenancy.transfer.move(hospital.slug, DATABASE, { holdTimeoutMs: 200 })).rejects.toThrow(/lock timeout/);
    } finally {
      await busy.end(true);
    }
    await expectIntact(hospital, DATABASE);
  });

  it('settles a move that died before its switch when the next one starts', async () => {
    const hospital = await hospitalIn(SHARED);
    const { id } = hospital.before;
    const target = derivePlacement(DATABASE, id, dbName(gw));
    // A dead move: target created, source fenced, catalog not switched, heartbeat long gone.
    await gw.tenancy.strategies[DATABASE].create(target);
    await ownerQuery(`insert into tenants_shared.placement_fences (tenant_id) values ($1)`, [id], dbName(gw));
    await ownerQuery(
      `insert into catalog.tenant_transfers values ($1, 'SHARED', 'main', $2, 'tenants_shared', 'DATABASE', 'main', $3, 'tenant', now() - interval '1 hour')`,
      [id, dbName(gw), target.database], dbName(gw),
    );
    await expect(gw.tenancy.transfer.move(hospital.slug, SCHEMA)).resolves.toMatchObject({ to: { isolation: SCHEMA } });
    expect(await ownerQuery('select 1 from pg_database where datname = $1', [target.database])).toHaveLength(0);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(hospital.data);
  });

  it('finishes a move that died after its switch when the next one starts', async () => {
    const hospital = await hospitalIn(SCHEMA);
    const { id, schema_name: oldSchema } = hospital.before;
    await gw.tenancy.transfer.move(hospital.slug, SHARED);
    // Pretend the old SCHEMA placement was never cleaned up and the record of the move survived.
    await gw.tenancy.strategies[SCHEMA].create({ server: 'main', database: dbName(gw), schema: oldSchema });
    await ownerQuery(
      `insert into catalog.tenant_transfers values ($1, 'SCHEMA', 'main', $2, $3, 'SHARED', 'main', $2, 'tenants_shared', now() - interval '1 hour')`,
      [id, dbName(gw), oldSchema], dbName(gw),
    );
    await gw.tenancy.transfer.move(hospital.slug, DATABASE);
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [oldSchema], dbName(gw))).toHaveLength(0);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(hospital.data);
  });

  it('keeps the record of a move interrupted with its outcome unknown, and the next attempt settles it at once', async () => {
    const hospital = await hospitalIn(SCHEMA);
    const attempt = gw.tenancy.transfer.move(hospital.slug, SHARED, {
      afterStep: (step) => {
        if (step === 'fenced') throw new MoveInterruptedError('lost the catalog connection');
      },
    });
    await expect(attempt).rejects.toThrow('lost the catalog connection');
    // Nothing was undone: the source is still fenced and the record stays for the next attempt.
    const fenced = await ownerQuery(`select 1 from "${hospital.before.schema_name}".placement_fences where tenant_id = $1`, [hospital.before.id], dbName(gw));
    expect(fenced).toHaveLength(1);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [hospital.before.id], dbName(gw))).toHaveLength(1);

    await gw.tenancy.transfer.move(hospital.slug, DATABASE);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(hospital.data);
    expect(await rowsLeft(dbName(gw), 'tenants_shared', hospital.before.id)).toBe(0);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
  });

  it('refuses with CONFLICT a move into the shared pool that already holds rows with its ids, leaving it intact where it was', async () => {
    const original = await hospitalIn(SHARED);
    const file = join(archiveDir(), 'original.gz');
    await gw.tenancy.transfer.export(original.slug, file);
    await gw.tenancy.transfer.import(file, { slug: `copy-of-${original.slug}`, isolation: SCHEMA });
    const copy = { slug: `copy-of-${original.slug}`, token: await gw.login(`admin@${original.slug}.test`, STAFF_PASSWORD, `copy-of-${original.slug}`) };
    const before = (await catalogEntry(gw, copy.slug))!;
    const data = await dumpHospital(gw, copy.slug);

    const refused = gw.tenancy.transfer.move(copy.slug, SHARED);
    await expect(refused).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `Rows with the ids of "${copy.slug}" already exist in the shared pool (it is a copy of a hospital there, or the original of one); move it into a SCHEMA or DATABASE placement instead`,
    });
    await expectIntact({ ...copy, before, data }, SHARED);
    expect(await dumpHospital(gw, original.slug)).toEqual(original.data);
  });

  it('never undoes the placement another move made live after settling its record, its lock lost while it ran', async () => {
    const hospital = await hospitalIn(SCHEMA);
    const atCopy = pause('copy');
    const failed = gw.tenancy.transfer.move(hospital.slug, SHARED, { afterStep: atCopy.afterStep }).then(() => undefined, (error: unknown) => error);
    await atCopy.arrived;
    // The connection holding the first move's lock is lost while the move runs on: the move is taken for dead.
    await ownerQuery("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'sovereign move'", [dbName(gw)]);
    await gw.tenancy.transfer.move(hospital.slug, SHARED);
    expect(await ownerQuery('select 1 from information_schema.schemata where schema_name = $1', [hospital.before.schema_name], dbName(gw))).toHaveLength(0);
    atCopy.resume();
    expect(await failed).toBeDefined();

    expect(await rowsLeft(dbName(gw), 'tenants_shared', hospital.before.id)).toBeGreaterThan(0);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(hospital.data);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
    expect(await ownerQuery('select 1 from catalog.tenant_transfers where tenant_id = $1', [hospital.before.id], dbName(gw))).toHaveLength(0);
  });

  it('never switches the hospital once another move has settled its record, its lock lost before the switch', async () => {
    const hospital = await hospitalIn(SCHEMA);
    const first = pause('verified');
    const firstMove = gw.tenancy.transfer.move(hospital.slug, SHARED, { afterStep: first.afterStep }).then(() => undefined, (error: unknown) => error);
    await first.arrived;
    await ownerQuery("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'sovereign move'", [dbName(gw)]);
    // The second move takes the first for dead, undoes its target and records itself; it waits after making its own.
    const second = pause('placement');
    const secondMove = gw.tenancy.transfer.move(hospital.slug, SHARED, { afterStep: second.afterStep });
    await second.arrived;
    first.resume();
    expect(await firstMove).toMatchObject({ code: 'CONFLICT' });
    expect(await catalogEntry(gw, hospital.slug)).toEqual(hospital.before);
    second.resume();
    await secondMove;

    expect((await catalogEntry(gw, hospital.slug))!.isolation).toBe(SHARED);
    expect(await dumpHospital(gw, hospital.slug)).toEqual(hospital.data);
    expect((await gw.gql(PatientsDocument, {}, hospital)).data?.patients.totalCount).toBe(3);
  });

  it('refuses with CONFLICT, its record kept, while another move of the hospital holds its lock', async () => {
    const hospital = await hospitalIn(SHARED);
    const claims = new TransferClaims(gw.tenancy);
    const placement = { isolation: SHARED, server: 'main', database: dbName(gw), schema: 'tenants_shared' };
    const lock = (await claims.lock(hospital.before.id))!;
    const owner = (await claims.claim(hospital.before.id, placement, { ...placement, isolation: SCHEMA, schema: 'x' }))!;
    try {
      await expect(gw.tenancy.transfer.move(hospital.slug, DATABASE)).rejects.toMatchObject({ code: 'CONFLICT', message: `A move of "${hospital.slug}" is under way; try again once it has ended` });
      expect(await claims.find(hospital.before.id)).toMatchObject({ owner, target: { schema: 'x' } });
    } finally {
      await claims.release(hospital.before.id, owner);
      await lock.release();
    }
  });

  it('removes only the record its own move wrote', async () => {
    const hospital = await hospitalIn(SHARED);
    const claims = new TransferClaims(gw.tenancy);
    const placement = { isolation: SHARED, server: 'main', database: dbName(gw), schema: 'tenants_shared' };
    const owner = (await claims.claim(hospital.before.id, placement, { ...placement, isolation: SCHEMA, schema: 'x' }))!;
    expect(await claims.claim(hospital.before.id, placement, placement)).toBeNull();
    await claims.release(hospital.before.id, '00000000-0000-4000-8000-000000000000');
    expect(await claims.owns(hospital.before.id, owner)).toBe(true);
    await claims.release(hospital.before.id, owner);
    expect(await claims.find(hospital.before.id)).toBeNull();
  });

  it('keeps sessions opened by requests out of the placement while it is fenced and not switched', async () => {
    const hospital = await hospitalIn(SHARED);
    await ownerQuery('insert into tenants_shared.placement_fences (tenant_id) values ($1)', [hospital.before.id], dbName(gw));
    try {
      const session: TenantSession = gw.tenancy.session((await gw.tenancy.store.bySlug(hospital.slug))!);
      await expect(session.em()).rejects.toThrow(/moved away/);
      const list = await gw.gql(PatientsDocument, {}, hospital);
      expect(list.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await ownerQuery('delete from tenants_shared.placement_fences where tenant_id = $1', [hospital.before.id], dbName(gw));
    }
  });
});
