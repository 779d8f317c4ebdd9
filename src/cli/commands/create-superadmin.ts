import type { Command } from 'commander';
import { createPlatformAdmin } from '../../modules/platform/platform-admins';
import { generateInitialPassword } from '../../modules/platform/initial-password';
import { audited, NO_HOSPITAL } from '../audit';
import { readSecret } from '../input';
import { EXIT, withTenancy } from '../runtime';

/** `sovereign create-superadmin --email E`: a platform user (SUPERADMIN). */
export function registerCreateSuperadmin(program: Command): void {
  program
    .command('create-superadmin')
    .description('Create a platform administrator (SUPERADMIN); without --password-stdin a password is generated and printed once')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (options: { email: string; passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? await readSecret() : generateInitialPassword();
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const user = await audited(tenancy, 'createSuperadmin', NO_HOSPITAL, async () => {
          const created = await createPlatformAdmin(tenancy.central, { email: options.email, password });
          return { id: created.id };
        });
        console.log(`created platform administrator ${options.email.trim().toLowerCase()} (${user.id})`);
        if (!options.passwordStdin) console.log(`initial password (shown once): ${password}`);
        return EXIT.OK;
      });
    });
}
