import type { Command } from 'commander';
import { DomainError } from '../../errors';
import type { Tenancy, TenantDetails } from '../../tenancy';
import { audited, hospital } from '../audit';
import { describeFailure } from '../failure';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign purge-tenant SLUG | --expired`: destroys deleted hospitals' data, never under legal hold. */
export function registerPurgeTenant(program: Command): void {
  program
    .command('purge-tenant')
    .description('Destroy a deleted hospital: its placement (rows, schema or database), then its catalog entry. Refused under legal hold, and inside the retention period unless --force')
    .argument('[slug]', 'the hospital (omit with --expired)', hospitalSlug())
    .option('--expired', 'purge every deleted hospital past its retention period and not under legal hold')
    .option('--force', 'purge before the retention period ends (never overrides a legal hold)')
    .action(async (slug: string | undefined, o: { expired?: boolean; force?: boolean }) => {
      if (!slug === !o.expired) {
        console.error('give either a slug or --expired');
        process.exitCode = EXIT.USAGE;
        return;
      }
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        if (slug) {
          report(await purge(tenancy, slug, o.force));
          return EXIT.OK;
        }
        const slugs = await tenancy.lifecycle.expired();
        let failed = 0;
        for (const s of slugs) {
          try {
            report(await purge(tenancy, s, o.force));
          } catch (error) {
            failed += 1;
            console.log(`${s}: NOT purged: ${error instanceof DomainError ? error.message : describeFailure(error)}`);
          }
        }
        console.log(`${slugs.length - failed} purged, ${failed} failed`);
        return failed > 0 ? EXIT.FAILED : EXIT.OK;
      });
    });
}

function purge(tenancy: Tenancy, slug: string, force?: boolean): Promise<TenantDetails> {
  return audited(tenancy, 'purgeTenant', hospital(slug), () => tenancy.lifecycle.purge(slug, { force }));
}

function report(t: TenantDetails): void {
  console.log(`${t.slug}: purged (${t.isolation} placement destroyed, catalog entry removed)`);
}
