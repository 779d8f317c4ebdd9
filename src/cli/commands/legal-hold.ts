import type { Command } from 'commander';
import { audited, hospital } from '../audit';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign legal-hold SLUG --reason R` / `--release`: a hold blocks purging. */
export function registerLegalHold(program: Command): void {
  program
    .command('legal-hold')
    .description("Place (or with --release lift) a legal hold on a hospital: while held, its data cannot be purged")
    .argument('<slug>', 'the hospital', hospitalSlug())
    .option('--reason <text>', 'why (case number, request)')
    .option('--release', 'lift the hold')
    .action(async (slug: string, o: { reason?: string; release?: boolean }) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const hold = !o.release;
        const t = await audited(tenancy, hold ? 'setLegalHold' : 'releaseLegalHold', hospital(slug), () => tenancy.lifecycle.setLegalHold(slug, hold, o.reason));
        console.log(`${t.slug}: ${t.legalHold ? `under legal hold${t.legalHoldReason ? ` (${t.legalHoldReason})` : ''}` : 'no legal hold'}`);
        return EXIT.OK;
      });
    });
}
