import type { Command } from 'commander';
import { DomainError } from '../../errors';
import type { Isolation, Tenancy } from '../../tenancy';
import { generateInitialPassword } from '../../modules/platform/initial-password';
import { createTenant } from '../../modules/platform/tenant.service';
import { audited, newHospital } from '../audit';
import { BULK_COLUMNS, BulkFileError, readBulkCsv, type BulkLine } from '../bulk-csv';
import { CredentialsFile } from '../credentials-file';
import { describeFailure } from '../failure';
import { parseIsolation, parseLimit, parsePlan } from '../input';
import { progress } from '../progress';
import { EXIT, withTenancy } from '../runtime';

/** Why a row failed, in one line: the fields at fault, a domain error, or the CLI's description of anything else (never a driver's statement). */
function problem(error: unknown): string {
  if (error instanceof DomainError) {
    const fields = error.details?.fields as Record<string, string> | undefined;
    return fields ? Object.entries(fields).map(([f, p]) => `${f} ${p}`).join('; ') : `${error.code}: ${error.message}`;
  }
  return describeFailure(error);
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
      let lines: BulkLine[];
      try {
        lines = readBulkCsv(file);
      } catch (error) {
        console.error(error instanceof BulkFileError ? `${file}: ${error.message}` : describeFailure(error));
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
          const bar = progress(lines.length, 'creating hospitals');
          try {
            for (const entry of lines) {
              const slug = 'row' in entry ? entry.row.subdomain : entry.slug;
              const outcome = await createRow(tenancy, entry, isolation);
              if ('created' in outcome) {
                created.push(outcome.created);
                credentials?.append(outcome.created);
              } else {
                failed.push(`line ${entry.line} (${slug || 'no subdomain'}): ${outcome.problem}`);
              }
              bar.tick('created' in outcome ? slug : `${slug} FAILED`);
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

/** Creates the hospital of one row: its line for the credentials, or why it was not created. */
async function createRow(tenancy: Tenancy, entry: BulkLine, isolation: Isolation): Promise<{ created: string } | { problem: string }> {
  if (!('row' in entry)) return { problem: entry.problem };
  const { row } = entry;
  try {
    const password = generateInitialPassword();
    const tenant = await audited(tenancy, 'createTenant', newHospital(row.subdomain), () =>
      createTenant(tenancy, {
        slug: row.subdomain,
        name: row.name,
        isolation,
        plan: parsePlan(row.plan_type),
        contactEmail: row.contact_email,
        maxAssets: parseLimit('max_assets', row.max_assets),
        maxUsers: parseLimit('max_users', row.max_users),
        admin: { email: row.contact_email, password },
      }),
    );
    return { created: `${tenant.slug},${row.contact_email.trim().toLowerCase()},${password}` };
  } catch (error) {
    return { problem: problem(error) };
  }
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
