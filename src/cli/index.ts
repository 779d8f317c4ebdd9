#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { DomainError } from '../errors';
import { registerBulkCreateTenants } from './commands/bulk-create-tenants';
import { registerCreateSuperadmin } from './commands/create-superadmin';
import { registerCreateTenant } from './commands/create-tenant';
import { registerDeleteTenant } from './commands/delete-tenant';
import { registerDoctor } from './commands/doctor';
import { registerLegalHold } from './commands/legal-hold';
import { registerListTenants } from './commands/list-tenants';
import { registerMigrate } from './commands/migrate';
import { registerPurgeTenant } from './commands/purge-tenant';
import { registerSetTenantLimits } from './commands/set-tenant-limits';
import { registerSetTenantPlan } from './commands/set-tenant-plan';
import { registerResumeTenant, registerSuspendTenant } from './commands/tenant-status';

import { registerExportTenant } from './commands/export-tenant';
import { registerImportTenant } from './commands/import-tenant';
import { registerMoveTenant } from './commands/move-tenant';
import { registerVerifyIsolation } from './commands/verify-isolation';
import { describeFailure } from './failure';
import { EXIT } from './runtime';
import { helpHint, oneLineUsageErrors } from './usage';

/** Each command lives in src/cli/commands/ and registers itself here. */
const COMMANDS: ((program: Command) => void)[] = [
  registerCreateSuperadmin,
  registerCreateTenant,
  registerBulkCreateTenants,
  registerListTenants,
  registerSuspendTenant,
  registerResumeTenant,
  registerDeleteTenant,
  registerSetTenantPlan,
  registerSetTenantLimits,
  registerLegalHold,
  registerPurgeTenant,
  registerMigrate,
  registerDoctor,
  registerExportTenant,
  registerImportTenant,
  registerMoveTenant,
  registerVerifyIsolation,
];

export function buildProgram(): Command {
  const program = new Command('sovereign')
    .description('Operate a Sovereign deployment: hospitals, migrations, checks')
    .option('--verbose', 'on a failure, print the stack trace too');
  for (const register of COMMANDS) register(program);
  return oneLineUsageErrors(program, helpHint);
}

/** Runs the CLI; a failure is one line on stderr (what failed and why), with the stack only under --verbose. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
    else if (error instanceof DomainError) console.error(`${error.code}: ${error.message}`);
    else console.error(describeFailure(error));
    if (program.opts<{ verbose?: boolean }>().verbose) console.error(error instanceof Error ? error.stack : String(error));
    return error instanceof DomainError && error.code === 'BAD_USER_INPUT' ? EXIT.USAGE : EXIT.FAILED;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}
