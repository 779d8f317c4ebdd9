import type { Command } from 'commander';
import { printTables, transferProgress } from '../transfer-progress';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign export-tenant <slug> <file>`: one hospital's data to a portable archive. */
export function registerExportTenant(program: Command): void {
  program
    .command('export-tenant')
    .description(
      'Write one hospital’s data to a portable archive (gzip’d JSON lines with a manifest: migration version, row counts, ' +
        'checksums). Reads one consistent snapshot; the hospital keeps serving. Any isolation mode; import it into any other.',
    )
    .argument('<slug>', 'the hospital to export', hospitalSlug())
    .argument('<file>', 'archive to write; must not exist yet')
    .action(async (slug: string, file: string) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const bar = transferProgress();
        try {
          const manifest = await tenancy.transfer.export(slug, file, bar.onProgress);
          bar.stop();
          console.log(`exported ${slug} (${manifest.hospital.isolation}) at migration ${manifest.migrationVersion} to ${file}`);
          printTables(manifest.tables);
          return EXIT.OK;
        } finally {
          bar.stop();
        }
      });
    });
}
