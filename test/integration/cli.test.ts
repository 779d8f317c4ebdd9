import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli';
import { runCli } from '../fixtures/cli';
import { ownerQuery } from '../fixtures/database';
import { TestGateway } from '../fixtures/gateway';
import { TenantDetailsDocument } from '../e2e/generated/graphql';

describe('operator CLI', () => {
  let gw: TestGateway;
  const dir = mkdtempSync(join(tmpdir(), 'sovereign-cli-test-'));
  const cli = (...args: string[]) => runCli(gw.databaseUrl, args);
  const db = () => new URL(gw.databaseUrl).pathname.slice(1);
  const catalog = async (slug: string) => (await ownerQuery<Record<string, unknown>>('select * from catalog.tenants where slug = $1', [slug], db()))[0];

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.stop());

  it.each(buildProgram().commands.map((c) => c.name()))('prints help for %s and exits 0', async (name) => {
    const result = await cli(name, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`Usage: sovereign ${name}`));
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await cli('no-such-command')).code).toBe(2);
    expect((await cli('list-tenants', '--bogus')).code).toBe(2);
    expect((await cli('migrate', '--concurrency', '0')).code).toBe(2);
  });

  it('creates a platform administrator whose printed password signs in, once per email', async () => {
    const result = await cli('create-superadmin', '--email', 'Ops@Platform.test');
    expect(result.code).toBe(0);
    const password = /initial password \(shown once\): (\S+)/.exec(result.stdout)![1]!;
    expect(await gw.login('ops@platform.test', password)).toEqual(expect.any(String));
    const again = await cli('create-superadmin', '--email', 'ops@platform.test');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/CONFLICT/);
  });

  it('creates a hospital with its contact details, limits and first ADMIN', async () => {
    const result = await cli(
      'create-tenant', '--slug', 'cli-general', '--name', 'CLI General', '--isolation', 'schema', '--plan', 'basic',
      '--contact-email', 'desk@cli-general.test', '--contact-phone', '+1 555 0100', '--address', '1 Main St, Springfield',
      '--max-users', '50', '--admin-email', 'boss@cli-general.test',
    );
    expect(result.code).toBe(0);
    expect(await catalog('cli-general')).toMatchObject({
      status: 'ACTIVE', isolation: 'SCHEMA', plan: 'BASIC', contact_email: 'desk@cli-general.test', contact_phone: '+1 555 0100', address: '1 Main St, Springfield', max_users: 50, max_assets: null,
    });
    const password = /initial password \(shown once\): (\S+)/.exec(result.stdout)![1]!;
    expect(await gw.login('boss@cli-general.test', password, 'cli-general')).toEqual(expect.any(String));
    const seen = await gw.gql(TenantDetailsDocument, { slug: 'cli-general' }, { token: await gw.platformToken() });
    expect(seen.data?.tenant).toEqual({ slug: 'cli-general', contactEmail: 'desk@cli-general.test', contactPhone: '+1 555 0100', address: '1 Main St, Springfield', legalHold: false });
  });

  it('refuses bad input with exit code 2 and creates nothing', async () => {
    const bad = await cli('create-tenant', '--slug', 'Bad Slug', '--name', 'X', '--admin-email', 'a@b.test');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/slug/);
    expect((await cli('create-tenant', '--slug', 'okay-slug', '--name', 'X', '--isolation', 'sideways', '--admin-email', 'a@b.test')).code).toBe(2);
    expect(await catalog('okay-slug')).toBeUndefined();
  });

  it('bulk-creates hospitals from CSV, going on past bad rows and reporting each', async () => {
    const file = join(dir, 'hospitals.csv');
    writeFileSync(file, [
      'name,subdomain,plan_type,contact_email,max_assets,max_users',
      'North Clinic,bulk-north,basic,admin@north.test,100,20',
      'Bad Slug Clinic,Bad_Slug,basic,admin@bad.test,1,1',
      'South Clinic,bulk-south,PROFESSIONAL,admin@south.test,,',
      'No Plan Clinic,bulk-noplan,platinum,admin@noplan.test,1,1',
      'Bad Email Clinic,bulk-bademail,trial,not-an-email,1,1',
      'North Again,bulk-north,basic,admin@north2.test,1,1',
      'Negative,bulk-negative,basic,admin@neg.test,-5,1',
    ].join('\n'));
    const credentials = join(dir, 'credentials.csv');
    const result = await cli('bulk-create-tenants', file, '--isolation', 'SHARED', '--credentials', credentials);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/2 created, 5 failed/);
    expect(result.stdout).toMatch(/line 3 \(Bad_Slug\): slug must be 3–40 lower-case/);
    expect(result.stdout).toMatch(/line 5 \(bulk-noplan\): plan must be TRIAL/);
    expect(result.stdout).toMatch(/line 6 \(bulk-bademail\): contactEmail must be an email address/);
    expect(result.stdout).toMatch(/line 7 \(bulk-north\): CONFLICT/);
    expect(result.stdout).toMatch(/line 8 \(bulk-negative\): max_assets must be a whole number/);
    expect(await catalog('bulk-north')).toMatchObject({ plan: 'BASIC', contact_email: 'admin@north.test', max_assets: 100, max_users: 20 });
    expect(await catalog('bulk-south')).toMatchObject({ plan: 'PROFESSIONAL', max_assets: null });
    expect(await catalog('bulk-noplan')).toBeUndefined();

    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const lines = readFileSync(credentials, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('slug,admin_email,initial_password');
    const [, email, password] = lines.find((l) => l.startsWith('bulk-south,'))!.split(',');
    expect(await gw.login(email!, password!, 'bulk-south')).toEqual(expect.any(String));
    expect(result.stdout).not.toContain(password);
  });

  it.each([
    ['an existing file, which it never overwrites', 'existing', /--credentials: .*existing\.csv exists already: name a new file/],
    ['a file it cannot create', 'missing-dir', /--credentials: cannot open .*\/no-such-dir\/credentials\.csv: no such file or directory \(ENOENT\)/],
  ])('refuses --credentials naming %s, with exit code 2 and no hospital created', async (_why, kind, message) => {
    const file = join(dir, `hospitals-${kind}.csv`);
    writeFileSync(file, ['name,subdomain,plan_type,contact_email,max_assets,max_users', `Never,never-${kind},basic,admin@never.test,,`].join('\n'));
    const credentials = kind === 'existing' ? join(dir, 'existing.csv') : join(dir, 'no-such-dir', 'credentials.csv');
    if (kind === 'existing') writeFileSync(credentials, 'earlier run\n', { mode: 0o644 });
    const result = await cli('bulk-create-tenants', file, '--credentials', credentials);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await catalog(`never-${kind}`)).toBeUndefined();
    if (kind === 'existing') expect(readFileSync(credentials, 'utf8')).toBe('earlier run\n');
    else expect(existsSync(credentials)).toBe(false);
  });

  it('refuses a CSV file without the expected columns with exit code 2', async () => {
    const file = join(dir, 'wrong.csv');
    writeFileSync(file, 'name,slug\nX,x-y-z\n');
    const result = await cli('bulk-create-tenants', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing column\(s\) subdomain, plan_type/);
  });

  it('lists, suspends and resumes hospitals, auditing each action centrally', async () => {
    expect((await cli('suspend-tenant', 'bulk-north')).code).toBe(0);
    expect((await catalog('bulk-north'))!.status).toBe('SUSPENDED');
    const listed = await cli('list-tenants', '--json');
    const rows = JSON.parse(listed.stdout) as { slug: string; status: string; contactEmail: string }[];
    expect(rows.find((r) => r.slug === 'bulk-north')).toMatchObject({ status: 'SUSPENDED', contactEmail: 'admin@north.test' });
    expect((await cli('list-tenants')).stdout).toMatch(/bulk-north\tSUSPENDED\tSHARED\tBASIC/);
    expect((await cli('resume-tenant', 'bulk-north')).code).toBe(0);
    expect((await catalog('bulk-north'))!.status).toBe('ACTIVE');
    expect((await cli('resume-tenant', 'no-such-hospital')).code).toBe(1);
    const audit = await ownerQuery<{ operation: string; outcome: string; source: string; actor_email: string }>(
      `select operation, outcome, source, actor_email from catalog.platform_audit where tenant_slug in ('bulk-north', 'no-such-hospital') and operation <> 'createTenant' order by at`, [], db(),
    );
    expect(audit.map((a) => [a.operation, a.outcome, a.source])).toEqual([
      ['suspendTenant', 'SUCCESS', 'CLI'], ['resumeTenant', 'SUCCESS', 'CLI'], ['resumeTenant', 'FAILURE', 'CLI'],
    ]);
    expect(audit[0]!.actor_email).toMatch(/^cli/);
  });

  it('records in the platform audit which hospital an action concerned, and none for an action on no hospital', async () => {
    const created = await cli('create-superadmin', '--email', 'audited-ops@platform.test');
    expect(created.code).toBe(0);
    const [userId] = /\(([0-9a-f-]{36})\)/.exec(created.stdout)!.slice(1);
    expect((await cli('purge-tenant', 'cli-general', '--force')).code).toBe(1); // not deleted: refused
    expect((await cli('purge-tenant', 'no-such-hospital')).code).toBe(1);
    const audit = await ownerQuery<{ operation: string; outcome: string; tenant_id: string | null; tenant_slug: string | null; record_ids: string[] }>(
      `select operation, outcome, tenant_id, tenant_slug, record_ids from catalog.platform_audit
        where operation in ('createSuperadmin', 'purgeTenant') and at > now() - interval '1 minute' order by at`, [], db(),
    );
    expect(audit.filter((a) => a.operation === 'createSuperadmin').pop()).toEqual({ operation: 'createSuperadmin', outcome: 'SUCCESS', tenant_id: null, tenant_slug: null, record_ids: [userId] });
    expect(audit.filter((a) => a.operation === 'purgeTenant')).toEqual([
      { operation: 'purgeTenant', outcome: 'FAILURE', tenant_id: (await catalog('cli-general'))!.id, tenant_slug: 'cli-general', record_ids: [] },
      { operation: 'purgeTenant', outcome: 'FAILURE', tenant_id: null, tenant_slug: 'no-such-hospital', record_ids: [] },
    ]);
  });

  it('migrates with --concurrency and --tenant, skipping hospitals already at the latest', async () => {
    const all = await cli('migrate', '--concurrency', '2');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/hospitals: 0 migrated, 1 already at the latest, 0 failed/);
    const one = await cli('migrate', '--tenant', 'cli-general');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/shared schema: up to date\nhospitals: 1 migrated/);
    expect(one.stderr).toMatch(/\[1\/1\] migrating: cli-general/);
    expect((await cli('migrate', '--tenant', 'nope-nope')).code).toBe(1);
    const status = await cli('migrate', '--status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/0 hospital\(s\) behind/);
  });
});
