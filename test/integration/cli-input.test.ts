import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BULK_COLUMNS } from '../../src/cli/bulk-csv';
import { runCli, type CliResult } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';

/** Bad input to the operator CLI: exit 2, one line on stderr saying what is wrong, and nothing created or changed. */
describe('operator CLI: bad input', () => {
  let gw: TestGateway;
  const dir = mkdtempSync(join(tmpdir(), 'sovereign-cli-input-'));
  const cli = (...args: string[]) => runCli(gw.databaseUrl, args);
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const HEADER = BULK_COLUMNS.join(',');

  /** Everything a command could have created or changed: catalog entries, migration runs, schemas, databases. */
  const state = async () => ({
    tenants: await ownerQuery('select slug, status, legal_hold, legal_hold_reason, max_users, max_assets from catalog.tenants order by slug', [], db()),
    runs: await ownerQuery('select id from catalog.migration_runs order by id', [], db()),
    schemas: await ownerQuery("select schema_name from information_schema.schemata where schema_name like 'tenant%' order by 1", [], db()),
    databases: await ownerQuery('select datname from pg_database where datname like $1 order by 1', [`${db()}_%`]),
  });

  /** Runs the command and checks it was refused as bad input, with `message` as the only line on stderr, changing nothing. */
  async function refused(args: string[], message: RegExp): Promise<CliResult> {
    const before = await state();
    const result = await cli(...args);
    expect({ code: result.code, stderr: result.stderr.trim().split('\n') }).toEqual({ code: 2, stderr: [expect.stringMatching(message)] });
    expect(await state()).toEqual(before);
    return result;
  }

  const csv = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    gw = await TestGateway.start();
    await gw.createTenant({ slug: 'input-held' });
    await gw.tenancy.transfer.export('input-held', join(dir, 'good.gz'));
  });
  afterAll(() => gw.stop());

  describe('limits (create-tenant --max-users/--max-assets, bulk max_users/max_assets)', () => {
    it.each(['2147483648', '99999999999999999999', '1e3', '0x10', '-1', '1.5', ' 7x'])('refuses --max-users %s before creating anything', async (value) => {
      await refused(
        ['create-tenant', '--slug', 'input-limit', '--name', 'Limit', '--admin-email', 'a@limit.test', '--max-users', value],
        /^BAD_USER_INPUT: Invalid input \(maxUsers: must be a whole number from 0 to 2147483647\)$/,
      );
    });

    it('takes the largest limit the catalog holds', async () => {
      const result = await cli('create-tenant', '--slug', 'input-max', '--name', 'Max', '--admin-email', 'a@max.test', '--max-users', '2147483647', '--max-assets', '0');
      expect(result.code).toBe(0);
      const [entry] = await ownerQuery('select max_users, max_assets from catalog.tenants where slug = $1', ['input-max'], db());
      expect(entry).toEqual({ max_users: 2147483647, max_assets: 0 });
    });
  });

  describe('bulk-create-tenants', () => {
    it.each([
      ['an empty file', '', /: the file is empty; expected a header line name,subdomain,plan_type,contact_email,max_assets,max_users$/],
      ['only a wrong header line', 'name,slug\n', /: missing column\(s\) subdomain, plan_type, contact_email, max_assets, max_users; unknown column\(s\) slug; expected name,subdomain/],
      ['a header without rows', `${HEADER}\n`, /: no hospital rows after the header$/],
      ['a repeated column', `${HEADER},name\nA,input-dup,basic,a@dup.test,,,B\n`, /: column\(s\) name given more than once; expected name,subdomain/],
      ['an unknown column', `${HEADER},notes\nA,input-notes,basic,a@notes.test,,,hello\n`, /: unknown column\(s\) notes; expected name,subdomain/],
    ])('refuses %s with exit code 2 before creating anything', async (why, text, message) => {
      const file = csv(`${why.replace(/\W+/g, '-')}.csv`, text);
      await refused(['bulk-create-tenants', file], new RegExp(`^${file}${message.source}`));
    });

    it('reports each malformed row with its line, creates the good rows, and never prints SQL', async () => {
      const file = csv('rows.csv', [
        HEADER,
        'Good One,input-good-one,basic,a@one.test,,',
        'Too Many,input-too-many,basic,a@many.test,1,1,surplus',
        'Too Few,input-too-few,basic',
        '"Two\nLines",input-two-lines,basic,a@lines.test,,',
        'Huge,input-huge,basic,a@huge.test,99999999999999999999,1',
        'Over,input-over,basic,a@over.test,1,2147483648',
        'Exponent,input-exponent,basic,a@exp.test,1e3,1',
        'Hex,input-hex,basic,a@hex.test,1,0x10',
        'Good Two,input-good-two,basic,a@two.test,2147483647,0',
      ].join('\n'));
      const result = await cli('bulk-create-tenants', file);
      expect(result.code).toBe(1);
      expect(result.stdout.split('\n').filter((l) => l.startsWith('FAILED'))).toEqual([
        'FAILED line 3 (input-too-many): has 7 fields, the header 6',
        'FAILED line 4 (input-too-few): has 3 fields, the header 6',
        'FAILED line 6 (input-two-lines): name must be 1–200 characters without line breaks or other control characters',
        'FAILED line 7 (input-huge): max_assets must be a whole number from 0 to 2147483647',
        'FAILED line 8 (input-over): max_users must be a whole number from 0 to 2147483647',
        'FAILED line 9 (input-exponent): max_assets must be a whole number from 0 to 2147483647',
        'FAILED line 10 (input-hex): max_users must be a whole number from 0 to 2147483647',
      ]);
      expect(result.stdout).toMatch(/^2 created, 7 failed$/m);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/insert into|catalog"\."tenants/i);
      const created = await ownerQuery<{ slug: string }>("select slug, max_assets, max_users from catalog.tenants where slug like 'input-%' and slug not in ('input-held', 'input-max') order by slug", [], db());
      expect(created).toEqual([
        { slug: 'input-good-one', max_assets: null, max_users: null },
        { slug: 'input-good-two', max_assets: 2147483647, max_users: 0 },
      ]);
    });

    it('reports a row the database refuses by PostgreSQL’s reason, never the statement with its values', async () => {
      await ownerQuery("create function catalog.refuse_row() returns trigger language plpgsql as $$ begin raise exception 'refused by a test trigger'; end $$", [], db());
      await ownerQuery("create trigger refuse_row before insert on catalog.tenants for each row when (new.slug = 'input-refused') execute function catalog.refuse_row()", [], db());
      try {
        const result = await cli('bulk-create-tenants', csv('refused.csv', `${HEADER}\nRefused,input-refused,basic,a@refused.test,5,6\n`));
        expect(result.code).toBe(1);
        expect(result.stdout).toContain('FAILED line 2 (input-refused): PostgreSQL error P0001: refused by a test trigger\n0 created, 1 failed');
        expect(`${result.stdout}${result.stderr}`).not.toMatch(/insert into|a@refused\.test'/i);
      } finally {
        await ownerQuery('drop function catalog.refuse_row() cascade', [], db());
      }
    });
  });

  describe('import-tenant', () => {
    const manifestOf = () => JSON.parse(gunzipSync(readFileSync(join(dir, 'good.gz'))).toString('utf8').split('\n')[0]!) as Record<string, unknown>;
    const crafted = (name: string, change: (manifest: Record<string, unknown>) => Record<string, unknown>) => {
      const lines = gunzipSync(readFileSync(join(dir, 'good.gz'))).toString('utf8').split('\n');
      const file = join(dir, `${name}.gz`);
      writeFileSync(file, gzipSync([JSON.stringify(change(manifestOf())), ...lines.slice(1)].join('\n')));
      return file;
    };

    it.each([
      ['tables that are not a list', (m: Record<string, unknown>) => ({ ...m, tables: 'x' }), /tables: tables must be an array/],
      ['no hospital', (m: Record<string, unknown>) => ({ ...m, hospital: null }), /hospital: hospital must be an object/],
      ['a migration version it does not list', (m: Record<string, unknown>) => ({ ...m, migrationVersion: 'Migration9999Unknown' }), /migrationVersion: migrationVersion must be the last of migrations/],
      ['migrations that are not a list', (m: Record<string, unknown>) => ({ ...m, migrations: 'all' }), /migrations: migrations must be an array/],
      ['a negative row count', (m: Record<string, unknown>) => ({ ...m, tables: (m.tables as object[]).map((t, i) => (i === 0 ? { ...t, rows: -1 } : t)) }), /tables\.0\.rows: rows must not be less than 0/],
      ['a plan it does not know', (m: Record<string, unknown>) => ({ ...m, hospital: { ...(m.hospital as object), plan: 'GOLD' } }), /hospital\.plan: plan must be one of the following values: TRIAL, BASIC, PROFESSIONAL, ENTERPRISE/],
    ])('refuses a manifest with %s as not a valid hospital archive, exit code 2', async (why, change, problem) => {
      const file = crafted(why.replace(/\W+/g, '-'), change);
      const message = new RegExp(`^BAD_USER_INPUT: Invalid input \\(file: Not a valid hospital archive: its manifest is malformed: ${problem.source}\\)$`);
      await refused(['import-tenant', file, '--slug', 'input-import', '--isolation', 'SCHEMA'], message);
    });

    it('refuses a directory, saying it is one', async () => {
      const folder = join(dir, 'a-folder');
      mkdirSync(folder);
      await refused(['import-tenant', folder, '--slug', 'input-import', '--isolation', 'SCHEMA'], /^BAD_USER_INPUT: Invalid input \(file: is a directory, not an archive\)$/);
    });
  });

  describe('hospitals named on the command line', () => {
    it('caps a legal hold reason at 500 characters, like the catalog’s other free text', async () => {
      await refused(['legal-hold', 'input-held', '--reason', 'x'.repeat(501)], /^BAD_USER_INPUT: Invalid input \(reason: must be at most 500 characters without line breaks or other control characters\)$/);
      const held = await cli('legal-hold', 'input-held', '--reason', 'y'.repeat(500));
      expect(held.code).toBe(0);
    });

    it.each([['a line break', 'case 1\nsecond line'], ['a tab', 'case\t1'], ['an escape', 'case \u001b[31m1'], ['a trailing carriage return', 'case 1\r'], ['only blanks', '   ']])(
      'refuses a legal hold reason with %s, changing nothing',
      async (_, reason) => {
        const problem = /^\s+$/.test(reason) ? 'must not be blank' : 'must be at most 500 characters without line breaks or other control characters';
        await refused(['legal-hold', 'input-held', '--reason', reason], new RegExp(`^BAD_USER_INPUT: Invalid input \\(reason: ${problem}\\)$`));
      },
    );

    it('counts a legal hold reason in characters: 500 emoji fit', async () => {
      const held = await cli('legal-hold', 'input-held', '--reason', '\u{1F4C1}'.repeat(500));
      expect(held.code).toBe(0);
    });

    it.each([
      [['suspend-tenant', '']],
      [['resume-tenant', ' ']],
      [['delete-tenant', '']],
      [['legal-hold', '', '--reason', 'case 1']],
      [['set-tenant-limits', '', '--max-users', '1']],
      [['export-tenant', '', 'never.gz']],
      [['move-tenant', '', '--to', 'SCHEMA']],
      [['migrate', '--tenant', '']],
      [['doctor', '--tenant', '']],
      [['purge-tenant', ' ', '--force']],
      [['verify-isolation', '--tenant1', '', '--tenant2', 'input-held']],
    ])('refuses an empty hospital slug: %j', async (args) => {
      await refused(args, /^BAD_USER_INPUT: Invalid input \((slug|tenant|tenant1): must name a hospital\)$/);
    });

    it.each([
      [['suspend-tenant', 'input-nobody']],
      [['resume-tenant', 'input-nobody']],
      [['delete-tenant', 'input-nobody']],
      [['legal-hold', 'input-nobody', '--reason', 'case 1']],
      [['set-tenant-limits', 'input-nobody', '--max-users', '1']],
      [['move-tenant', 'input-nobody', '--to', 'SCHEMA']],
      [['migrate', '--tenant', 'input-nobody']],
      [['doctor', '--tenant', 'input-nobody']],
      [['export-tenant', 'input-nobody', 'never.gz']],
      [['purge-tenant', 'input-nobody', '--force']],
    ])('fails on a hospital that does not exist as every command does (exit 1, NOT_FOUND): %j', async (args) => {
      const before = await state();
      const result = await cli(...args);
      expect({ code: result.code, stderr: result.stderr.trim().split('\n') }).toEqual({ code: 1, stderr: ['NOT_FOUND: Hospital input-nobody not found'] });
      expect(await state()).toEqual(before);
    });
  });
});
