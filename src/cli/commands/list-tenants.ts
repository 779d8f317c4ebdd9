import type { Command } from 'commander';
import { Tenant, TenantStatus } from '../../tenancy/catalog';
import { toTenantDetails } from '../../tenancy/tenant-record';
import { shownLimit } from '../limits';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign list-tenants`: the catalog, one hospital a line (or JSON). */
export function registerListTenants(program: Command): void {
  program
    .command('list-tenants')
    .description('List hospitals: slug, status, isolation, plan, the user and patient limits that apply, server, migration, lifecycle')
    .option('--all', 'include deleted hospitals and ones still provisioning')
    .option('--json', 'one JSON array instead of a table')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const where = o.all ? {} : { status: { $in: [TenantStatus.ACTIVE, TenantStatus.SUSPENDED] } };
        const rows = await tenancy.central.em.fork().find(Tenant, where, { orderBy: { slug: 'asc' }, populate: ['domains'] });
        if (o.json) {
          console.log(JSON.stringify(rows.map((t) => ({ ...toTenantDetails(t), migrationVersion: t.migrationVersion })), null, 2));
          return EXIT.OK;
        }
        console.log(['slug', 'status', 'isolation', 'plan', 'max users', 'max assets', 'server', 'migration', 'purge after', 'hold', 'name'].join('\t'));
        for (const t of rows) {
          const purge = t.purgeAfter ? t.purgeAfter.toISOString().slice(0, 10) : '-';
          console.log([t.slug, t.status, t.isolation, t.plan, shownLimit(t, 'users'), shownLimit(t, 'patients'), t.serverName, t.migrationVersion ?? '-', purge, t.legalHold ? 'LEGAL HOLD' : '-', t.name].join('\t'));
        }
        console.log(`${rows.length} hospital(s)`);
        return EXIT.OK;
      });
    });
}
