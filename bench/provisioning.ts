import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { openTenancy } from '../src/app';
import { hashPassword } from '../src/auth/passwords';
import { loadConfig } from '../src/config';
import { createTenant } from '../src/modules/platform/tenant.service';
import { Isolation, Plan } from '../src/tenancy';
import { benchDatabase, percentile, traceStatements } from './support';

/**
 * Provisioning time per isolation mode: median and p90 of N hospitals each, created one after another
 * through the same service `createTenant` uses (catalog entry, placement, first ADMIN, activation).
 * SCHEMA twice: with a spare ready (the stock is topped up between hospitals, outside the timing, as
 * the gateway does in the background) and with none (the tenant migrations on the request path).
 * Uses BENCH_DATABASE_URL's server (a fresh database on it) or a throwaway embedded PostgreSQL.
 * BENCH_TRACE=1 also lists the statements of one more provisioning per line, with their timings.
 */
const PER_MODE = Number(process.env.BENCH_TENANTS ?? 20);
const TRACE = process.env.BENCH_TRACE === '1';
/** The gateway's default stock (SPARE_SCHEMAS). */
const SPARES = 2;

async function main(): Promise<void> {
  const db = await benchDatabase();
  const url = new URL(db.url);

  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40), DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' });
  const tenancy = await openTenancy(config, url.toString());
  await tenancy.migrate();
  const hashes: number[] = [];
  for (let i = 0; i < PER_MODE; i += 1) {
    const started = performance.now();
    await hashPassword('bench-admin-password');
    hashes.push(performance.now() - started);
  }
  hashes.sort((a, b) => a - b);
  console.log(`one password hash alone: median ${percentile(hashes, 50).toFixed(1)} ms   p90 ${percentile(hashes, 90).toFixed(1)} ms`);
  console.log(`provisioning ${PER_MODE} hospitals per mode`);
  const cases: { label: string; isolation: Isolation; spares?: number }[] = [
    { label: 'SHARED', isolation: Isolation.SHARED },
    { label: 'SCHEMA, spare ready', isolation: Isolation.SCHEMA, spares: SPARES },
    { label: 'SCHEMA, no spare', isolation: Isolation.SCHEMA, spares: 0 },
    { label: 'DATABASE', isolation: Isolation.DATABASE },
  ];
  let created = 0;
  try {
    for (const { label, isolation, spares } of cases) {
      const times: number[] = [];
      // Outside the timing: the gateway tops its stock up in the background, between creations.
      const prepare = () => (spares === undefined ? Promise.resolve(0) : tenancy.spares.fill(spares));
      const provision = async () => {
        created += 1;
        const started = performance.now();
        await createTenant(tenancy, {
          slug: `bench-${created}`,
          name: `Bench ${created}`,
          isolation,
          plan: Plan.BASIC,
          domains: [],
          admin: { email: 'admin@bench.test', password: 'bench-admin-password' },
        });
        return performance.now() - started;
      };
      for (let i = 0; i < PER_MODE; i += 1) {
        await prepare();
        times.push(await provision());
        process.stdout.write(`\r${label}: ${i + 1}/${PER_MODE}`);
      }
      times.sort((a, b) => a - b);
      console.log(`\r${label.padEnd(20)} median ${percentile(times, 50).toFixed(1)} ms   p90 ${percentile(times, 90).toFixed(1)} ms`);
      if (TRACE) {
        await prepare();
        const lines = await traceStatements(() => provision());
        console.log(`${lines.length} statements:\n${lines.join('\n')}`);
      }
    }
  } finally {
    await tenancy.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
