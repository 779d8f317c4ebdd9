import { type Command, InvalidArgumentError } from 'commander';
import { cleanUpOnStop } from '../interrupt';
import { progress } from '../progress';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** `sovereign migrate`: catalog, shared schema, then every SCHEMA/DATABASE placement (or one hospital). */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'Bring the catalog and every hospital placement to the latest migration; goes on past a failing hospital or database server, and a rerun resumes. ' +
        'A run started while another is under way waits for it; Ctrl-C (or SIGTERM) records the run INTERRUPTED, then exits.',
    )
    .option('--tenant <slug>', 'only this hospital (after the catalog; SHARED hospitals migrate the shared schema)', hospitalSlug('tenant'))
    .option('--concurrency <n>', 'placements migrated at the same time', positiveInt, 1)
    .option('--status', 'list hospitals that are behind or whose last attempt failed, and change nothing')
    .action(async (options: { tenant?: string; concurrency: number; status?: boolean }) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        if (options.status) {
          const rows = await tenancy.migrationStatus();
          for (const r of rows) console.log(`${r.slug}\t${r.isolation}\t${r.version ?? '-'}\t${r.state ?? 'never attempted'}${r.error ? `\t${r.error}` : ''}`);
          console.log(`${rows.length} hospital(s) behind ${tenancy.latestTenantMigration} or failed`);
          return rows.length > 0 ? EXIT.FAILED : EXIT.OK;
        }
        let bar: ReturnType<typeof progress> | undefined;
        const failures: string[] = [];
        let started: { id: string; interrupt(): Promise<void> } | undefined;
        // Stopped (Ctrl-C, SIGTERM): the run is recorded INTERRUPTED with the counts it reached; a placement
        // cut off mid-migration rolls back its current migration, and the next run retries it.
        const interrupted = async () => {
          bar?.stop();
          if (!started) return;
          await started.interrupt();
          console.log(`run #${started.id} recorded INTERRUPTED; the next migrate resumes it`);
        };
        const report = await cleanUpOnStop(interrupted, () =>
          tenancy.migrate({
            tenant: options.tenant,
            concurrency: options.concurrency,
            onWaiting: () => console.log('another migrate run is under way: waiting for it to end'),
            onRun: (run) => (started = run),
            onProgress: (result, _done, total) => {
              bar ??= progress(total, 'migrating');
              if (result.error) failures.push(`${result.slug} (${result.isolation}): ${result.error}`);
              bar.tick(`${result.slug}${result.error ? ' FAILED' : ''}`);
            },
          }),
        );
        bar?.stop();
        const abandoned = await tenancy.provisioner.removeAbandoned();
        if (abandoned.length > 0) console.log(`removed hospitals whose provisioning died part-way: ${abandoned.join(', ')}`);
        if (report.resumed) {
          console.log(`resuming after run #${report.resumed.runId} (${report.resumed.status}): ${report.resumed.retried} hospital(s) retried`);
        }
        console.log(`catalog: ${report.catalog.length ? report.catalog.join(', ') : 'up to date'}`);
        console.log(`shared schema: ${report.shared.length ? report.shared.join(', ') : 'up to date'}`);
        for (const f of report.serverFailures) console.log(`FAILED database server ${f.server}: ${f.error}`);
        for (const failure of failures) console.log(`FAILED ${failure}`);
        const run = report.runId ? ` (run #${report.runId})` : '';
        console.log(`hospitals: ${report.tenants.length - report.failed} migrated, ${report.skipped} already at the latest, ${report.failed} failed${run}`);
        return report.failed > 0 || report.serverFailures.length > 0 ? EXIT.FAILED : EXIT.OK;
      });
    });
}
