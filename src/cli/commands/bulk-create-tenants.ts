import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { readFileSync, writeFileSync } from 'node:fs';
import { DomainError } from '../../errors';
import { generateInitialPassword } from '../../modules/platform/initial-password';
import { createTenant } from '../../modules/platform/tenant.service';
import { audited } from '../audit';
import { parseIsolation, parseLimit, parsePlan } from '../input';
import { progress } from '../progress';
import { EXIT, withTenancy } from '../runtime';

export const BULK_COLUMNS = ['name', 'subdomain', 'plan_type', 'contact_email', 'max_assets', 'max_users'] as const;
type Row = Partial<Record<(typeof BULK_COLUMNS)[number], string>>;

function problem(error: unknown): string {
  if (error instanceof DomainError) {
    const fields = error.details?.fields as Record<string, string> | undefined;
    return fields ? Object.entries(fields).map(([f, p]) => `${f} ${p}`).join('; ') : `${error.code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * `sovereign bulk-create-tenants FILE.csv`: one hospital per row through the same provisioning as
 * createTenant. Each row's contact_email becomes its first ADMIN, with a generated initial password
 * printed once (or written to --credentials FILE, mode 0600). Bad rows are reported and skipped.
 */
export function registerBulkCreateTenants(program: Command): void {
  program
    .command('bulk-create-tenants')
    .description(`Provision hospitals from a CSV file with columns ${BULK_COLUMNS.join(',')}; goes on past bad rows and reports them`)
    .argument('<file>', 'CSV file with a header row')
    .option('--isolation <mode>', 'isolation of every hospital in the file', 'SHARED')
    .option('--credentials <file>', 'write slug,admin email,initial password here (mode 0600) instead of printing them')
    .action(async (file: string, o: { isolation: string; credentials?: string }) => {
      const isolation = parseIsolation(o.isolation);
      let records: { record: Row; info: { lines: number } }[];
      try {
        records = parse(readFileSync(file), { columns: true, info: true, trim: true, skip_empty_lines: true, relax_column_count: true, bom: true });
      } catch (error) {
        console.error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const header = records[0] ? Object.keys(records[0].record) : [];
      const missing = BULK_COLUMNS.filter((c) => !header.includes(c));
      if (records.length > 0 && missing.length > 0) {
        console.error(`${file}: missing column(s) ${missing.join(', ')}; expected ${BULK_COLUMNS.join(',')}`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const bar = progress(records.length, 'creating hospitals');
        const created: string[] = [];
        const failed: string[] = [];
        for (const { record: row, info } of records) {
          const slug = row.subdomain ?? '';
          try {
            const password = generateInitialPassword();
            const email = row.contact_email ?? '';
            const tenant = await audited(tenancy, 'createTenant', { slug }, () =>
              createTenant(tenancy, {
                slug,
                name: row.name ?? '',
                isolation,
                plan: parsePlan(row.plan_type ?? ''),
                contactEmail: email,
                maxAssets: parseLimit('max_assets', row.max_assets),
                maxUsers: parseLimit('max_users', row.max_users),
                admin: { email, password },
              }),
            );
            created.push(`${tenant.slug},${email.trim().toLowerCase()},${password}`);
            bar.tick(slug);
          } catch (error) {
            failed.push(`line ${info.lines} (${slug || 'no subdomain'}): ${problem(error)}`);
            bar.tick(`${slug} FAILED`);
          }
        }
        bar.stop();
        if (o.credentials) {
          writeFileSync(o.credentials, ['slug,admin_email,initial_password', ...created, ''].join('\n'), { mode: 0o600 });
          console.log(`initial ADMIN passwords written to ${o.credentials}`);
        } else if (created.length > 0) {
          console.log(['slug,admin_email,initial_password (shown once)', ...created].join('\n'));
        }
        for (const f of failed) console.log(`FAILED ${f}`);
        console.log(`${created.length} created, ${failed.length} failed`);
        return failed.length > 0 ? EXIT.FAILED : EXIT.OK;
      });
    });
}
