#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { seedDemoHospital } from '../modules/demo/demo-seed';
import { Isolation } from '../tenancy';
import { EXIT, withTenancy } from './runtime';

/** `npm run seed [-- --isolation SCHEMA --slug demo --patients 60]`: a demo hospital with deterministic data. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('seed')
    .description('Create a demo hospital with realistic, deterministic data')
    .addOption(new Option('--isolation <mode>', 'isolation mode').choices(Object.values(Isolation)).default(Isolation.SHARED))
    .option('--slug <slug>', 'hospital slug', 'demo')
    .option('--patients <n>', 'number of patients', (v) => Number.parseInt(v, 10), 60)
    .option('--seed <n>', 'generator seed (same seed, same data)', (v) => Number.parseInt(v, 10), 20_300_107)
    .exitOverride();
  const opts = program.parse(argv).opts<{ isolation: Isolation; slug: string; patients: number; seed: number }>();
  return withTenancy(async ({ config, tenancy }) => {
    await tenancy.migrate();
    const demo = await seedDemoHospital(tenancy, opts);
    const port = process.env.PORT ?? '4000';
    console.log(`Created hospital "${demo.tenant.slug}" (${demo.tenant.isolation}): ${Object.entries(demo.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    console.log(`\nStart the gateway (npm start) and sign in at http://localhost:${port}/t/${demo.tenant.slug}/graphql`);
    console.log(`  (or http://${demo.tenant.slug}.${config.baseDomain}:${port}/graphql) with password "${demo.password}" as any of:`);
    for (const s of demo.staff) console.log(`  ${s.roles.join(',').padEnd(13)} ${s.email}`);
    console.log(`\n  mutation { login(email: "${demo.staff[0]!.email}", password: "${demo.password}") { token } }`);
    return EXIT.OK;
  });
}

if (require.main === module) {
  main(process.argv)
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
      console.error(error instanceof Error ? error.message : error);
      process.exit(EXIT.FAILED);
    });
}
