import { Option, type Command } from 'commander';
import { Isolation } from '../../tenancy';
import { audited, newHospital } from '../audit';
import { transferProgress } from '../transfer-progress';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign import-tenant <file> --slug <slug> --isolation <mode>`: an archive restored as a new hospital. */
export function registerImportTenant(program: Command): void {
  program
    .command('import-tenant')
    .description(
      'Restore an archive as a NEW hospital (new slug, new id) in any isolation mode: created at the archive’s migration version, ' +
        'loaded, verified against its counts and checksums, migrated to the latest, then activated. All or nothing. The original’s API keys ' +
        'and sign-in sessions arrive revoked: its users sign in to the copy with their passwords.',
    )
    .argument('<file>', 'archive written by export-tenant')
    .requiredOption('--slug <slug>', 'slug of the new hospital')
    .addOption(new Option('--isolation <mode>', 'isolation mode of the new hospital').choices(Object.values(Isolation)).makeOptionMandatory())
    .option('--server <name>', 'DATABASE only: the named database server (default: main)')
    .option('--name <name>', 'hospital name (default: the name in the archive)')
    .action(async (file: string, options: { slug: string; isolation: Isolation; server?: string; name?: string }) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const bar = transferProgress();
        try {
          const tenant = await audited(tenancy, 'importTenant', newHospital(options.slug), () => tenancy.transfer.import(file, { ...options, onProgress: bar.onProgress }));
          bar.stop();
          console.log(`imported ${file} as ${tenant.slug} (${tenant.isolation} on ${tenant.placement.server}), id ${tenant.id}, status ${tenant.status}`);
          return EXIT.OK;
        } finally {
          bar.stop();
        }
      });
    });
}
