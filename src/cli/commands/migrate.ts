import type { Command } from 'commander';
import { progress } from '../progress';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign migrate`: catalog, shared schema, then every SCHEMA/DATABASE placement. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Bring the catalog and every hospital placement to the latest migration; goes on past a failing hospital')
    .action(async () => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        let bar: ReturnType<typeof progress> | undefined;
        const failures: string[] = [];
        const report = await tenancy.migrate((result, _done, total) => {
          bar ??= progress(total, 'migrating');
          if (result.error) failures.push(`${result.slug} (${result.isolation}): ${result.error}`);
          bar.tick(`${result.slug}${result.error ? ' FAILED' : ''}`);
        });
        bar?.stop();
        console.log(`catalog: ${report.catalog.length ? report.catalog.join(', ') : 'up to date'}`);
        console.log(`shared schema: ${report.shared.length ? report.shared.join(', ') : 'up to date'}`);
        for (const failure of failures) console.log(`FAILED ${failure}`);
        console.log(`hospitals: ${report.tenants.length - report.failed} migrated, ${report.skipped} already at the latest, ${report.failed} failed`);
        return report.failed > 0 ? EXIT.FAILED : EXIT.OK;
      });
    });
}
