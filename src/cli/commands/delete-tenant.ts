import type { Command } from 'commander';
import { audited, hospital } from '../audit';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign delete-tenant SLUG`: soft delete; data kept for TENANT_RETENTION_DAYS. */
export function registerDeleteTenant(program: Command): void {
  program
    .command('delete-tenant')
    .description('Delete a hospital: it stops resolving at once; its data is kept for the retention period (TENANT_RETENTION_DAYS), then purge-tenant removes it')
    .argument('<slug>', 'the hospital', hospitalSlug())
    .action(async (slug: string) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const t = await audited(tenancy, 'deleteTenant', hospital(slug), () => tenancy.lifecycle.softDelete(slug));
        console.log(`${t.slug}: DELETED; data kept until ${t.purgeAfter!.toISOString()}${t.legalHold ? ' and while under legal hold' : ''}`);
        return EXIT.OK;
      });
    });
}
