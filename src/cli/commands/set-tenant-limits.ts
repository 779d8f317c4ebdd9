import type { Command } from 'commander';
import { BadInputError } from '../../errors';
import { describeLimitChange } from '../../modules/platform/change-detail';
import { changeTenantLimits } from '../../modules/platform/tenant-limits.service';
import { audited, hospital, recordedChange } from '../audit';
import { hospitalSlug, limitChange } from '../input';
import { shownLimit } from '../limits';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign set-tenant-limits SLUG [--max-users N|none] [--max-assets N|none]`, as the changeTenantLimits mutation. */
export function registerSetTenantLimits(program: Command): void {
  program
    .command('set-tenant-limits')
    .description("Set or clear (none) a hospital's own user and patient limits, which replace its plan's; lowering one deletes nothing, it refuses further creates")
    .argument('<slug>', 'the hospital', hospitalSlug())
    .option('--max-users <n|none>', "users it may have (0 allows none), or none for its plan's limit", limitChange('maxUsers'))
    .option('--max-assets <n|none>', "patients (assets) it may have (0 allows none), or none for its plan's limit", limitChange('maxAssets'))
    .action(async (slug: string, o: { maxUsers?: number | 'none'; maxAssets?: number | 'none' }) => {
      if (o.maxUsers === undefined && o.maxAssets === undefined) {
        throw BadInputError.forFields({ options: 'give --max-users, --max-assets or both (none clears one)' });
      }
      const change = { maxUsers: cleared(o.maxUsers), maxAssets: cleared(o.maxAssets) };
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const { after: t } = await audited(tenancy, 'changeTenantLimits', hospital(slug), () => changeTenantLimits(tenancy, slug, change), recordedChange(describeLimitChange));
        console.log(`${t.slug} (${t.plan}): max users ${shownLimit(t, 'users')}, max assets ${shownLimit(t, 'patients')}`);
        return EXIT.OK;
      });
    });
}

/** An option's limit as the change takes it: `none` clears (null), an option not given leaves it (undefined). */
const cleared = (limit: number | 'none' | undefined) => (limit === 'none' ? null : limit);
