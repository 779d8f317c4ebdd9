import type { Command } from 'commander';
import { generateInitialPassword } from '../../modules/platform/initial-password';
import { createTenant } from '../../modules/platform/tenant.service';
import { audited, newHospital } from '../audit';
import { parseIsolation, parseLimit, parsePlan, readSecret } from '../input';
import { EXIT, withTenancy } from '../runtime';

interface Options {
  slug: string;
  name: string;
  isolation: string;
  plan: string;
  server?: string;
  contactEmail?: string;
  contactPhone?: string;
  address?: string;
  domain: string[];
  maxUsers?: string;
  maxAssets?: string;
  adminEmail: string;
  adminPasswordStdin?: boolean;
}

/** `sovereign create-tenant`: provisions a hospital with its first ADMIN, as the createTenant mutation does. */
export function registerCreateTenant(program: Command): void {
  program
    .command('create-tenant')
    .description('Provision a hospital (catalog entry, placement, first ADMIN), all or nothing')
    .requiredOption('--slug <slug>', 'URL and host-name identifier (3–40 lower-case letters, digits, hyphens)')
    .requiredOption('--name <name>', 'hospital name')
    .option('--isolation <mode>', 'SHARED, SCHEMA or DATABASE', 'SHARED')
    .option('--plan <plan>', 'TRIAL, BASIC, PROFESSIONAL or ENTERPRISE', 'TRIAL')
    .option('--server <name>', 'DATABASE isolation: the named database server')
    .option('--contact-email <email>', 'contact email of the hospital')
    .option('--contact-phone <phone>', 'contact phone of the hospital')
    .option('--address <address>', 'postal address')
    .option('--domain <host>', 'custom host name (repeatable; the first is primary)', (v: string, all: string[]) => [...all, v], [])
    .option('--max-users <n>', 'user limit overriding the plan')
    .option('--max-assets <n>', 'asset limit overriding the plan')
    .requiredOption('--admin-email <email>', 'email of the first ADMIN user')
    .option('--admin-password-stdin', 'read the ADMIN password from standard input (otherwise one is generated and printed once)')
    .action(async (o: Options) => {
      const input = {
        slug: o.slug,
        name: o.name,
        isolation: parseIsolation(o.isolation),
        plan: parsePlan(o.plan),
        server: o.server,
        contactEmail: o.contactEmail,
        contactPhone: o.contactPhone,
        address: o.address,
        domains: o.domain,
        maxUsers: parseLimit('maxUsers', o.maxUsers),
        maxAssets: parseLimit('maxAssets', o.maxAssets),
      };
      const password = o.adminPasswordStdin ? await readSecret() : generateInitialPassword();
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const tenant = await audited(tenancy, 'createTenant', newHospital(o.slug), () => createTenant(tenancy, { ...input, admin: { email: o.adminEmail, password } }));
        console.log(`created ${tenant.slug} (${tenant.isolation}, ${tenant.plan}) id ${tenant.id}`);
        console.log(`ADMIN: ${o.adminEmail.trim().toLowerCase()}`);
        if (!o.adminPasswordStdin) console.log(`initial password (shown once): ${password}`);
        return EXIT.OK;
      });
    });
}
