#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { seedDemoHospital } from '../modules/demo/demo-seed';
import { Isolation } from '../tenancy';
import { positiveInt } from './commands/migrate';
import { EXIT, withTenancy } from './runtime';
import { oneLineUsageErrors } from './usage';

function buildSeedProgram(): Command {
  const program = new Command('seed')
    .description('Create a demo hospital with realistic, deterministic data')
    .addOption(new Option('--isolation <mode>', 'isolation mode').choices(Object.values(Isolation)).default(Isolation.SHARED))
    .option('--slug <slug>', 'hospital slug', 'demo')
    .option('--patients <n>', 'number of patients', positiveInt, 60)
    .option('--seed <n>', 'generator seed (same seed, same data)', positiveInt, 20_300_107);
  return oneLineUsageErrors(program, () => '(see npm run seed -- --help)');
}

/** `npm run seed [-- --isolation SCHEMA --slug demo --patients 60]`: a demo hospital with deterministic data. */
export async function main(argv: string[]): Promise<number> {
  let opts: { isolation: Isolation; slug: string; patients: number; seed: number };
  try {
    opts = buildSeedProgram().parse(argv).opts();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    throw error;
  }
  return withTenancy(async ({ config, tenancy }) => {
    await tenancy.migrate();
    const demo = await seedDemoHospital(tenancy, opts);
    const { port, baseDomain } = config;
    console.log(`Created hospital "${demo.tenant.slug}" (${demo.tenant.isolation}): ${Object.entries(demo.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    console.log(`\nStart the gateway (npm start) and sign in at http://localhost:${port}/t/${demo.tenant.slug}/graphql`);
    console.log(`  (or http://${demo.tenant.slug}.${baseDomain}:${port}/graphql) with password "${demo.password}" as any of:`);
    for (const s of demo.staff) console.log(`  ${s.roles.join(',').padEnd(13)} ${s.email}`);
    console.log(`\n  mutation { login(email: "${demo.staff[0]!.email}", password: "${demo.password}") { token } }`);
    return EXIT.OK;
  });
}

if (require.main === module) {
  main(process.argv)
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(EXIT.FAILED);
    });
}
