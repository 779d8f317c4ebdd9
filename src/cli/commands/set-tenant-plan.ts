import type { Command } from 'commander';
import { describePlanChange } from '../../modules/platform/change-detail';
import { changeTenantPlan } from '../../modules/platform/tenant-plan.service';
import type { Plan } from '../../tenancy';
import { audited, hospital, recordedChange } from '../audit';
import { hospitalSlug, parsePlan } from '../input';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign set-tenant-plan SLUG PLAN`, as the changeTenantPlan mutation. */
export function registerSetTenantPlan(program: Command): void {
  program
    .command('set-tenant-plan')
    .description('Move a hospital to another plan; a hospital has one trial, which moving back to TRIAL resumes and never restarts')
    .argument('<slug>', 'the hospital', hospitalSlug())
    .argument('<plan>', 'TRIAL, BASIC, PROFESSIONAL or ENTERPRISE', parsePlan)
    .action(async (slug: string, plan: Plan) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const change = await audited(tenancy, 'changeTenantPlan', hospital(slug), () => changeTenantPlan(tenancy, slug, plan), recordedChange(describePlanChange));
        console.log(`${change.after.slug}: ${describePlanChange(change)}`);
        return EXIT.OK;
      });
    });
}
