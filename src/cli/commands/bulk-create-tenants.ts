import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { DomainError } from '../../errors';
import { generateInitialPassword } from '../../modules/platform/initial-password';
import { createTenant } from '../../modules/platform/tenant.service';
import { audited } from '../audit';
import { CredentialsFile } from '../credentials-file';
import { describeFailure } from '../failure';
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
 * printed once (or written to --credentials FILE, a new file of mode 0600, as each hospital is created).
 * Bad rows are reported and skipped.
 */
export function registerBulkCreateTenants(program: Command): void {
  program
    .command('bulk-create-tenants')
    .description(`Provision hospitals from a CSV file with columns ${BULK_COLUMNS.join(',')}; goes on past bad rows and reports them`)
    .argument('<file>', 'CSV file with a header row')
    .option('--isolation <mode>', 'isolation of every hospital in the file', 'SHARED')
    .option('--credentials <file>', 'write slug,admin email,initial password to this new file (mode 0600; an existing file is refused) instead of printing them')
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
      let credentials: CredentialsFile | undefined;
      if (o.credentials) {
        try {
          credentials = CredentialsFile.create(o.credentials);
        } catch (error) {
          const why = (error as { code?: string }).code === 'EEXIST' ? `${o.credentials} exists already: name a new file (it will hold initial passwords)` : describeFailure(error);
          console.error(`--credentials: ${why}; no hospital was created`);
          process.exitCode = EXIT.USAGE;
          return;
        }
      }
      const created: string[] = [];
      const failed: string[] = [];
      try {
        process.exitCode = await withTenancy(async ({ tenancy }) => {
          const bar = progress(records.length, 'creating hospitals');
          try {
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
                const line = `${tenant.slug},${email.trim().toLowerCase()},${password}`;
                created.push(line);
                credentials?.append(line);
                bar.tick(slug);
              } catch (error) {
                failed.push(`line ${info.lines} (${slug || 'no subdomain'}): ${problem(error)}`);
                bar.tick(`${slug} FAILED`);
              }
            }
          } finally {
            bar.stop();
          }
          return failed.length > 0 ? EXIT.FAILED : EXIT.OK;
        });
      } finally {
        credentials?.close(created.length > 0);
        summarise(created, failed, credentials);
      }
    });
}

/** What was created and what failed; printed however the run ends, so no initial password is lost. */
function summarise(created: string[], failed: string[], credentials: CredentialsFile | undefined): void {
  if (credentials) {
    if (created.length > 0) console.log(`initial ADMIN passwords written to ${credentials.path}`);
    if (credentials.unsaved.length > 0) {
      console.log([`could not be written to ${credentials.path} (${credentials.writeError}); shown once instead:`, ...credentials.unsaved].join('\n'));
    }
  } else if (created.length > 0) {
    console.log(['slug,admin_email,initial_password (shown once)', ...created].join('\n'));
  }
  for (const f of failed) console.log(`FAILED ${f}`);
  console.log(`${created.length} created, ${failed.length} failed`);
}
