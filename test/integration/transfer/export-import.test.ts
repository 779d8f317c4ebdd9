import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Isolation } from '../../../src/tenancy';
import { derivePlacement } from '../../../src/tenancy/placement';
import { CreatePatientDocument, PatientsDocument } from '../../e2e/generated/graphql';
import { ownerQuery } from '../../fixtures/database';
import { STAFF_PASSWORD, TestGateway } from '../../fixtures/gateway';
import { archiveDir, catalogEntry, dbName, dumpHospital, expectImportedCopy, rowsLeft, seedArchivedPatient, seedHospital } from '../../fixtures/transfer';

const MODES = [Isolation.SHARED, Isolation.SCHEMA, Isolation.DATABASE];
const PAIRS = MODES.flatMap((from) => MODES.map((to) => [from, to] as const));

describe('export and import of a hospital', () => {
  let origin: TestGateway;
  let destination: TestGateway;
  const dir = archiveDir();
  const archive = (mode: Isolation) => join(dir, `${mode.toLowerCase()}.sovereign.gz`);
  let newCareForArchived: Awaited<ReturnType<typeof seedArchivedPatient>>;

  beforeAll(async () => {
    origin = await TestGateway.start();
    destination = await TestGateway.start();
    for (const mode of MODES) {
      const hospital = await origin.createTenant({ slug: `origin-${mode.toLowerCase()}`, isolation: mode, plan: 'PROFESSIONAL' });
      await seedHospital(origin, hospital);
      await origin.tenancy.transfer.export(hospital.slug, archive(mode));
    }
    const archivist = await origin.createTenant({ slug: 'origin-archived', isolation: Isolation.SCHEMA });
    newCareForArchived = await seedArchivedPatient(origin, archivist);
    await origin.tenancy.transfer.export(archivist.slug, join(dir, 'archived.sovereign.gz'));
  }, 120_000);
  afterAll(async () => {
    await origin.stop();
    await destination.stop();
  });

  it.each(PAIRS)('restores a %s hospital as %s in another deployment with identical data', async (from, to) => {
    const slug = `from-${from.toLowerCase()}-to-${to.toLowerCase()}`;
    const imported = await destination.tenancy.transfer.import(archive(from), { slug, isolation: to });
    expect(imported).toMatchObject({ slug, isolation: to, status: 'ACTIVE', plan: 'PROFESSIONAL', name: `Hospital origin-${from.toLowerCase()}` });

    const original = await dumpHospital(origin, `origin-${from.toLowerCase()}`);
    expect(original.patients).toHaveLength(5);
    expectImportedCopy(await dumpHospital(destination, slug), original);

    const origId = (await catalogEntry(origin, `origin-${from.toLowerCase()}`))!.id;
    expect(imported.id).not.toBe(origId);
    const token = await destination.login(`admin@origin-${from.toLowerCase()}.test`, STAFF_PASSWORD, slug);
    const list = await destination.gql(PatientsDocument, { first: 100 }, { slug, token });
    expect(list.data?.patients.totalCount).toBe(5);
  });

  it.each(MODES)("restores an archived patient's appointments, encounters, lab orders, prescriptions and vitals as %s, where the patient still gets no new care", async (to) => {
    const slug = `archived-as-${to.toLowerCase()}`;
    await destination.tenancy.transfer.import(join(dir, 'archived.sovereign.gz'), { slug, isolation: to });
    const original = await dumpHospital(origin, 'origin-archived');
    expect([original.appointments, original.encounters, original.lab_orders, original.prescriptions, original.vitals].map((rows) => rows!.length)).toEqual([1, 1, 1, 1, 1]);
    expectImportedCopy(await dumpHospital(destination, slug), original);
    expect(await newCareForArchived(destination, slug)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
  });

  it('writes a manifest with the migration version, row counts and checksums, and refuses to overwrite a file', async () => {
    const manifest = JSON.parse(gunzipSync(readFileSync(archive(Isolation.SCHEMA))).toString('utf8').split('\n')[0]!);
    expect(manifest).toMatchObject({ format: 'sovereign-tenant-archive', formatVersion: 1, migrationVersion: origin.tenancy.migrator.latest });
    expect(Object.fromEntries(manifest.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]))).toMatchObject({ users: 2, patients: 5 });
    for (const t of manifest.tables) expect(t.checksum).toMatch(/^[0-9a-f]{32}$/);
    await expect(origin.tenancy.transfer.export('origin-schema', archive(Isolation.SCHEMA))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('exports one consistent snapshot of a hospital that keeps taking writes', async () => {
    const hospital = await origin.createTenant({ slug: 'busy-export', isolation: Isolation.SCHEMA });
    let exporting = true;
    let written = 0;
    const writer = (async () => {
      // Writes all through the export, then three more after it (which it cannot contain).
      for (let i = 0, after = 0; after < 3; i += 1) {
        if (!exporting) after += 1;
        const created = await origin.gql(CreatePatientDocument, { input: { firstName: 'Busy', lastName: 'Writer', birthDate: '1990-01-01', mrn: `BUSY-${i}` } }, hospital);
        if (created.data) written += 1;
      }
    })();
    while (written < 3) await new Promise((r) => setImmediate(r));
    const manifest = await origin.tenancy.transfer.export('busy-export', join(dir, 'busy.gz')).finally(() => (exporting = false));
    await writer;
    const imported = await destination.tenancy.transfer.import(join(dir, 'busy.gz'), { slug: 'busy-restored', isolation: Isolation.SHARED });
    const rows = manifest.tables.find((t) => t.table === 'patients')!.rows;
    expect(rows).toBeGreaterThanOrEqual(3);
    expect(rows).toBeLessThan(written);
    expect((await dumpHospital(destination, imported.slug)).patients).toHaveLength(rows);
  });

  it('imports next to the original in the same deployment, in a schema of its own', async () => {
    const imported = await origin.tenancy.transfer.import(archive(Isolation.SHARED), { slug: 'shared-copy', isolation: Isolation.SCHEMA, name: 'Copy' });
    expect(imported.name).toBe('Copy');
    expectImportedCopy(await dumpHospital(origin, 'shared-copy'), await dumpHospital(origin, 'origin-shared'));
  });

  it('refuses with CONFLICT to load into the shared pool rows whose hospital is still there, leaving nothing behind', async () => {
    const attempt = origin.tenancy.transfer.import(archive(Isolation.SHARED), { slug: 'shared-twin', isolation: Isolation.SHARED });
    await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await catalogEntry(origin, 'shared-twin')).toBeUndefined();
    const [orphans] = await ownerQuery<{ n: number }>(
      'select count(*)::int as n from tenants_shared.patients where tenant_id not in (select id from catalog.tenants)', [], dbName(origin),
    );
    expect(orphans!.n).toBe(0);
  });

  async function rewritten(name: string, change: (lines: string[]) => string[]): Promise<string> {
    const lines = gunzipSync(readFileSync(archive(Isolation.DATABASE))).toString('utf8').split('\n');
    const file = join(dir, name);
    writeFileSync(file, gzipSync(change(lines).join('\n')));
    return file;
  }

  it.each([
    ['a row altered after export', (lines: string[]) => lines.map((l) => l.replace('"first_name": "First3"', '"first_name": "Forged"'))],
    ['a truncated file', (lines: string[]) => lines.slice(0, lines.length - 3)],
    ['a row removed', (lines: string[]) => lines.filter((l) => !l.includes('"MRN-2"'))],
    ['not an archive at all', () => ['{"hello": "world"}']],
    ['a row cut short', (lines: string[]) => lines.map((l) => (l.includes('"MRN-2"') ? l.slice(0, 40) : l))],
    ['a value its column cannot hold', (lines: string[]) => lines.map((l) => l.replace(/"birth_date": "[^"]*"/, '"birth_date": "not a date"'))],
    ['a header cut short', (lines: string[]) => lines.map((l) => (l.startsWith('["table","patients",') ? '["table","pat' : l))],
  ])('refuses %s with BAD_USER_INPUT and leaves no hospital, schema or database behind', async (why, change) => {
    const slug = `broken-${why.split(' ')[1]}`;
    const file = await rewritten(`${slug}.gz`, change);
    await expect(destination.tenancy.transfer.import(file, { slug, isolation: Isolation.DATABASE })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await catalogEntry(destination, slug)).toBeUndefined();
    const databases = await ownerQuery('select datname from pg_database where datname like $1', [`${dbName(destination)}_t_%`]);
    const imported = await ownerQuery<{ database_name: string }>("select database_name from catalog.tenants where isolation = 'DATABASE'", [], dbName(destination));
    expect(databases.map((d) => d.datname).sort()).toEqual(imported.map((d) => d.database_name).sort());
  });

  it('refuses a damaged file with BAD_USER_INPUT and leaves no hospital behind', async () => {
    const bytes = readFileSync(archive(Isolation.DATABASE));
    for (let i = 200; i < 260; i += 1) bytes[i] = bytes[i]! ^ 0xff;
    const file = join(dir, 'damaged.gz');
    writeFileSync(file, bytes);
    await expect(destination.tenancy.transfer.import(file, { slug: 'broken-bytes', isolation: Isolation.SCHEMA })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await catalogEntry(destination, 'broken-bytes')).toBeUndefined();
  });

  it('refuses a missing file and an archive from a version it does not know with BAD_USER_INPUT', async () => {
    await expect(destination.tenancy.transfer.import(join(dir, 'nope.gz'), { slug: 'no-file', isolation: Isolation.SHARED })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const future = await rewritten('future.gz', (lines) => [
      JSON.stringify({ ...JSON.parse(lines[0]!), migrations: [...JSON.parse(lines[0]!).migrations, 'Migration9999Future'], migrationVersion: 'Migration9999Future' }),
      ...lines.slice(1),
    ]);
    await expect(destination.tenancy.transfer.import(future, { slug: 'from-future', isolation: Isolation.SCHEMA })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const placement = derivePlacement(Isolation.SCHEMA, '00000000-0000-0000-0000-000000000000', dbName(destination));
    expect(await rowsLeft(dbName(destination), placement.schema, '00000000-0000-0000-0000-000000000000')).toBe(0);
    expect(existsSync(`${join(dir, 'nope.gz')}.partial`)).toBe(false);
  });
});
