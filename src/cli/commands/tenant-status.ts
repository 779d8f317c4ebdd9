import type { Command } from 'commander';
import { TenantStatus } from '../../tenancy';
import { audited, hospital } from '../audit';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign suspend-tenant SLUG`: the hospital stops resolving (TENANT_SUSPENDED); data untouched. */
export function registerSuspendTenant(program: Command): void {
  program
    .command('suspend-tenant')
    .description('Suspend a hospital: its requests are refused with TENANT_SUSPENDED until resumed')
    .argument('<slug>', 'the hospital', hospitalSlug())
    .action(async (slug: string) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const t = await audited(tenancy, 'suspendTenant', hospital(slug), () => tenancy.provisioner.setStatus(slug, TenantStatus.SUSPENDED));
        console.log(`${t.slug}: ${t.status}`);
        return EXIT.OK;
      });
    });
}

/** `sovereign resume-tenant SLUG`. */
export function registerResumeTenant(program: Command): void {
  program
    .command('resume-tenant')
    .description('Resume a suspended hospital')
    .argument('<slug>', 'the hospital', hospitalSlug())
    .action(async (slug: string) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const t = await audited(tenancy, 'resumeTenant', hospital(slug), () => tenancy.provisioner.setStatus(slug, TenantStatus.ACTIVE));
        console.log(`${t.slug}: ${t.status}`);
        return EXIT.OK;
      });
    });
}
