import { Option, type Command } from 'commander';
import { Isolation, type Tenancy } from '../../tenancy';
import { audited, hospital } from '../audit';
import { cleanUpOnStop } from '../interrupt';
import { StoppedError, StopRequest } from '../stop-request';
import { printTables, transferProgress } from '../transfer-progress';
import { positiveInt } from './migrate';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

interface MoveTenantOptions {
  to: Isolation;
  server?: string;
  holdTimeout: number;
}

/** `sovereign move-tenant <slug> --to <mode> [--server <name>]`: a live hospital to another mode or server. */
export function registerMoveTenant(program: Command): void {
  program
    .command('move-tenant')
    .description(
      'Move a live hospital to another isolation mode or database server: copy while it serves, hold its requests only for the final ' +
        'delta, verification and catalog switch, then remove the old placement. On any failure it stays where it was, intact; ' +
        'Ctrl-C (or SIGTERM) before the switch undoes the move, then exits.',
    )
    .argument('<slug>', 'the hospital to move', hospitalSlug())
    .addOption(new Option('--to <mode>', 'target isolation mode').choices(Object.values(Isolation)).makeOptionMandatory())
    .option('--server <name>', 'DATABASE only: the named database server (default: main)')
    .option('--hold-timeout <ms>', 'longest wait for the hospital’s requests in flight before the final switch', positiveInt, 10_000)
    .action(async (slug: string, options: MoveTenantOptions) => {
      process.exitCode = await withTenancy(async ({ tenancy }) => {
        const stop = new StopRequest();
        let moving: Promise<number> | undefined;
        // On a stop signal the move is asked to stop: it undoes itself at its next table or step and
        // removes its record (its lock shows it alive until then). A second signal ends the process at
        // once, which frees the lock: the next move or purge settles the record without waiting.
        const undo = async (signal: NodeJS.Signals) => {
          stop.ask(signal);
          await moving?.catch(() => undefined);
        };
        return cleanUpOnStop(undo, () => (moving = move(tenancy, slug, options, stop)));
      });
    });
}

/** Moves the hospital and reports it; a stopped move reports that it was undone (and ends by its StoppedError). Returns the exit code. */
async function move(tenancy: Tenancy, slug: string, options: MoveTenantOptions, stop: StopRequest): Promise<number> {
  const bar = transferProgress();
  try {
    const { result } = await audited(tenancy, 'moveTenant', hospital(slug), async () => {
      const moved = await tenancy.transfer.move(slug, options.to, { server: options.server, holdTimeoutMs: options.holdTimeout, onProgress: bar.onProgress, stop });
      return { id: moved.tenant.id, slug, result: moved };
    });
    bar.stop();
    console.log(`moved ${slug}: ${result.from.isolation} on ${result.from.server} → ${result.to.isolation} on ${result.to.server}`);
    console.log(`requests were held for ${result.heldMs} ms; verified on both sides:`);
    printTables(result.tables);
    if (result.cleanupError) console.error(`warning: the old placement could not be removed: ${result.cleanupError}`);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof StoppedError)) throw error;
    bar.stop();
    const now = await tenancy.store.bySlug(slug);
    console.error(`${error.message}: the move was undone; ${slug} stays where it was${now ? ` (${now.isolation} on ${now.placement.server})` : ''}`);
    throw error;
  } finally {
    bar.stop();
  }
}
