import { main as seed } from '../../src/cli/seed';
import { runCli } from '../fixtures/cli';

/** Bad usage is refused before anything is opened, so no database is needed (nor reached: the URL goes nowhere). */
const NOWHERE = 'postgres://nobody@127.0.0.1:1/nowhere';

/** The lines a command wrote to stderr, and its exit code. */
async function usage(args: string[]): Promise<{ code: number; stderr: string[] }> {
  const result = await runCli(NOWHERE, args);
  return { code: result.code, stderr: result.stderr.trimEnd().split('\n') };
}

describe('bad usage of the operator CLI: one line on stderr, a hint, exit 2', () => {
  it.each([
    [['list-tenants', '--bogus'], "error: unknown option '--bogus'", 'list-tenants'],
    [['move-tenant', 'st-mary', '--to', 'SCHEMA', '--hold-timeout', '0'], "error: option '--hold-timeout <ms>' argument '0' is invalid. must be a positive whole number", 'move-tenant'],
    [['move-tenant', 'st-mary', '--to', 'SCHEMA', '--hold-timeout', '1.5'], "error: option '--hold-timeout <ms>' argument '1.5' is invalid. must be a positive whole number", 'move-tenant'],
    [['move-tenant', 'st-mary', '--to', 'SCHEMA', '--hold-timout', '5'], "error: unknown option '--hold-timout' (Did you mean --hold-timeout?)", 'move-tenant'],
    [['move-tenant', 'st-mary'], "error: required option '--to <mode>' not specified", 'move-tenant'],
    [['create-tenant', '--slug', 'x', '--admin-email', 'a@x.test'], "error: required option '--name <name>' not specified", 'create-tenant'],
    [['export-tenant'], "error: missing required argument 'slug'", 'export-tenant'],
    [['migrate', '--concurrency', 'many'], "error: option '--concurrency <n>' argument 'many' is invalid. must be a positive whole number", 'migrate'],
  ])('refuses %j', async (args, error, command) => {
    expect(await usage(args)).toEqual({ code: 2, stderr: [error, `(see sovereign ${command} --help)`] });
  });

  it('refuses an unknown command, pointing at the list of commands', async () => {
    expect(await usage(['frobnicate'])).toEqual({ code: 2, stderr: ["error: unknown command 'frobnicate'", '(see sovereign --help)'] });
  });

  it('still prints the whole help when asked, and exits 0', async () => {
    const result = await runCli(NOWHERE, ['move-tenant', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: sovereign move-tenant/);
  });
});

describe('bad usage of npm run seed: one line on stderr, a hint, exit 2, and no hospital', () => {
  async function seedUsage(args: string[]): Promise<{ code: number; stderr: string[] }> {
    const err: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
    const saved = { ...process.env };
    Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: NOWHERE, JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' });
    try {
      const code = await seed(['node', 'seed', ...args]);
      return { code, stderr: err.join('').trimEnd().split('\n') };
    } finally {
      write.mockRestore();
      process.env = saved;
    }
  }

  it.each([
    [['--patients', 'abc'], "error: option '--patients <n>' argument 'abc' is invalid. must be a positive whole number"],
    [['--patients', '-5'], "error: option '--patients <n>' argument '-5' is invalid. must be a positive whole number"],
    [['--patients', '0'], "error: option '--patients <n>' argument '0' is invalid. must be a positive whole number"],
    [['--seed', 'x'], "error: option '--seed <n>' argument 'x' is invalid. must be a positive whole number"],
    [['--isolation', 'bogus'], "error: option '--isolation <mode>' argument 'bogus' is invalid. Allowed choices are SHARED, SCHEMA, DATABASE."],
    [['--bogus'], "error: unknown option '--bogus'"],
  ])('refuses %j', async (args, error) => {
    expect(await seedUsage(args)).toEqual({ code: 2, stderr: [error, '(see npm run seed -- --help)'] });
  });
});
