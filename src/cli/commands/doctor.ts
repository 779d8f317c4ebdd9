import type { Command } from 'commander';
import { NotFoundError } from '../../errors';
import type { PlacementReport } from '../../tenancy';
import { progress } from '../progress';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

function print(report: PlacementReport, fix: boolean): void {
  const where = `${report.placement.server}/${report.placement.database}/${report.placement.schema}`;
  if (report.problems.length === 0) return;
  console.log(`${report.label} (${where}):`);
  for (const p of report.fixed) console.log(`  FIXED    ${p.message}`);
  for (const p of report.remaining) console.log(`  ${fix || !p.fix ? 'PROBLEM ' : 'FIXABLE '} ${p.message}`);
  for (const f of report.failures) console.log(`  REPAIR FAILED ${f}`);
}

/** `sovereign doctor [--tenant slug] [--fix]`: checks (and repairs) placements against the migrations. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check every placement against the latest migration: tables and columns, row-level security (enabled, forced, policies), triggers, the runtime role\'s grants. Exit 0 when all is well (or repaired), 1 otherwise')
    .option('--tenant <slug>', 'only this hospital\'s placement', hospitalSlug('tenant'))
    .option('--fix', 'repair what is safe: missing tables, columns, constraints, indexes; row-level security and policies; triggers; grants; unapplied migrations')
    .action(async (o: { tenant?: string; fix?: boolean }) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        let bar: ReturnType<typeof progress> | undefined;
        const reports = await tenancy.doctor({
          tenant: o.tenant,
          fix: o.fix,
          onStart: (total) => {
            bar = progress(total, o.fix ? 'checking and repairing' : 'checking');
          },
          onPlacement: (r) => {
            bar?.tick(`${r.label}${r.remaining.length ? ' PROBLEMS' : ''}`);
          },
        });
        bar?.stop();
        if (o.tenant && reports.length === 0) throw NotFoundError.forEntity('Hospital', o.tenant);
        for (const r of reports) print(r, Boolean(o.fix));
        const bad = reports.filter((r) => r.remaining.length > 0);
        const fixed = reports.reduce((n, r) => n + r.fixed.length, 0);
        console.log(`${reports.length} placement(s) checked: ${reports.length - bad.length} healthy, ${bad.length} with problems${o.fix ? `, ${fixed} problem(s) fixed` : ''}`);
        if (!o.fix && bad.some((r) => r.remaining.some((p) => p.fix))) console.log('run with --fix to repair what is marked FIXABLE');
        return bad.length > 0 ? EXIT.FAILED : EXIT.OK;
      });
    });
}
