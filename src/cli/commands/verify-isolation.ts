import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { BadInputError } from '../../errors';
import type { Tenancy } from '../../tenancy';
import { attemptsAgainst, CREATE, type AttemptResult } from '../isolation/attempts';
import { GatewayClient, outcomeOf, type GqlAnswer } from '../isolation/gateway-client';
import { activeHospital, closeProbe, openProbe, removeLeftoverProbes, storedPatient, type Probe } from '../isolation/probes';
import { cleanUpOnStop } from '../interrupt';
import { hospitalSlug } from '../input';
import { EXIT, withTenancy } from '../runtime';

/**
 * `sovereign verify-isolation --tenant1 a --tenant2 b [--url …]`: proves through a running gateway
 * that neither hospital can read or change the other's data. Probe users are created in each hospital
 * through the tenancy core and sign in over HTTP like anyone else; they and their patients are removed
 * at the end, also when the command is stopped, and the next run removes those of a run that died.
 */
export function registerVerifyIsolation(program: Command): void {
  program
    .command('verify-isolation')
    .description(
      'Prove through the live API that neither of two hospitals can read or change the other’s data: creates a short-lived probe user ' +
        'and patient in each, tries each crossing in both directions, prints every attempt and its outcome, removes the probes (also when stopped by ' +
        'Ctrl-C or SIGTERM; probes a killed run left are removed by the next). Exits 1 if any attempt crossed.',
    )
    .requiredOption('--tenant1 <slug>', 'first hospital', hospitalSlug('tenant1'))
    .requiredOption('--tenant2 <slug>', 'second hospital', hospitalSlug('tenant2'))
    .option('--url <url>', 'base URL of the running gateway (default: http://127.0.0.1:$PORT)')
    .action(async (options: { tenant1: string; tenant2: string; url?: string }) => {
      if (options.tenant1 === options.tenant2) throw BadInputError.forFields({ tenant2: 'must differ from tenant1' });
      process.exitCode = await withTenancy(async ({ tenancy, config }) => {
        const url = options.url ?? `http://127.0.0.1:${config.port}`;
        console.log(`verify-isolation: ${options.tenant1} ⇄ ${options.tenant2} through ${url}`);
        const client = new GatewayClient(url);
        for (const slug of [options.tenant1, options.tenant2]) {
          const removed = await removeLeftoverProbes(tenancy, await activeHospital(tenancy, slug));
          if (removed > 0) console.log(`removed ${removed} probe(s) an earlier run left in ${slug}`);
        }
        const probes: Probe[] = [];
        const closeAll = async () => {
          for (const probe of probes.splice(0)) await closeProbe(tenancy, probe).catch((e: unknown) => console.error(`could not remove the probe in ${probe.slug}: ${String(e)}`));
        };
        // Stopped (Ctrl-C, SIGTERM): the probes are removed first. One killed outright is removed by the next run.
        return cleanUpOnStop(closeAll, async () => {
          try {
            await openProbe(tenancy, client, options.tenant1, probes);
            await openProbe(tenancy, client, options.tenant2, probes);
            const results = await probeBoth(tenancy, client, probes[0]!, probes[1]!);
            for (const r of results) console.log(`  ${r.crossed ? 'CROSSED' : 'held   '}  ${r.from} → ${r.to}: ${r.attempt} — ${r.outcome}`);
            const crossed = results.filter((r) => r.crossed).length;
            console.log(`${results.length} attempts, ${crossed} crossed`);
            return crossed > 0 ? EXIT.FAILED : EXIT.OK;
          } finally {
            await closeAll();
          }
        });
      });
    });
}

async function probeBoth(tenancy: Tenancy, client: GatewayClient, a: Probe, b: Probe): Promise<AttemptResult[]> {
  const mrn = `PROBE-${randomBytes(4).toString('hex')}`;
  const results: AttemptResult[] = [];
  const idOf = (answer: GqlAnswer) => (answer.data?.createPatient as { id?: string } | undefined)?.id;
  for (const probe of [a, b]) {
    // The same MRN in both: uniqueness is per hospital, so the second must not learn of the first.
    const register = (value: string) => client.call(`/t/${probe.slug}/graphql`, CREATE, { mrn: value }, { authorization: `Bearer ${probe.token}` });
    const answer = await register(mrn);
    if (probe === b) {
      const outcome = idOf(answer) ? 'created' : outcomeOf(answer);
      results.push({ from: b.slug, to: a.slug, attempt: 'registers a patient with an MRN the other already uses', outcome, crossed: outcome === 'CONFLICT' });
    }
    const id = idOf(answer) ?? idOf(await register(`${mrn}-2`));
    if (!id) throw new Error(`The probe could not register a patient in ${probe.slug}: ${outcomeOf(answer)}`);
    probe.patientIds.push(id);
  }
  results.push(...(await attemptsAgainst(client, a, b)), ...(await attemptsAgainst(client, b, a)));
  for (const [probe, other] of [[a, b], [b, a]] as const) {
    const stored = await storedPatient(tenancy, probe, probe.patientIds[0]!);
    results.push({ from: other.slug, to: probe.slug, attempt: 'left the other hospital’s patient as it was (read from the database)', outcome: stored ? `last name "${stored.lastName}"` : 'patient gone', crossed: stored?.lastName !== 'Probe' });
  }
  return results;
}
