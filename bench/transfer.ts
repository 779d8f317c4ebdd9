import 'reflect-metadata';
import { join } from 'node:path';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openTenancy } from '../src/app';
import { loadConfig } from '../src/config';
import { Patient } from '../src/modules/patients/patient.entity';
import { createTenant } from '../src/modules/platform/tenant.service';
import { Isolation, Plan, runInTenant, type Tenancy } from '../src/tenancy';
import { benchDatabase } from './support';

/**
 * Export, import and live moves of one hospital with BENCH_PATIENTS patients: wall time of each, and
 * for moves how long the hospital's requests were held. The last move runs under a steady write load
 * from a second tenancy instance (as a gateway would), and reports the longest single write.
 * Uses BENCH_DATABASE_URL's server (a fresh database on it) or a throwaway embedded PostgreSQL.
 */
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 100_000);
const WRITERS = 4;

const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;

async function seed(tenancy: Tenancy, slug: string): Promise<void> {
  const tenant = (await tenancy.store.bySlug(slug))!;
  await tenancy.owner.run(tenant.placement.server, tenant.placement.database, async (orm) => {
    await orm.em.fork().getConnection().execute(
      `insert into "${tenant.placement.schema}".patients (id, tenant_id, mrn, first_name, last_name, birth_date)
       select gen_random_uuid(), ?, 'MRN-' || g, 'First' || g, 'Last' || (g % 997), date '1940-01-01' + (g % 25000) from generate_series(1, ?) g`,
      [tenant.id, PATIENTS],
    );
  });
}

async function underLoad(gateway: Tenancy, slug: string, run: () => Promise<unknown>): Promise<{ writes: number; longest: number }> {
  let done = false;
  let writes = 0;
  let longest = 0;
  const writer = async (w: number) => {
    for (let i = 0; !done; i += 1) {
      const started = performance.now();
      const tenant = (await gateway.store.bySlug(slug))!;
      await runInTenant(gateway.pools, tenant, async (em) => {
        em.create(Patient, { mrn: `LOAD-${w}-${i}`, firstName: 'Load', lastName: 'Writer', birthDate: '2000-01-01' } as Patient);
        await em.flush();
      }, gateway.relocate);
      writes += 1;
      longest = Math.max(longest, performance.now() - started);
    }
  };
  const load = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  try {
    await run();
  } finally {
    done = true;
    await load;
  }
  return { writes, longest };
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const url = new URL(db.url);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40), DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' });
  const operator = await openTenancy(config, url.toString());
  const gateway = await openTenancy(config, url.toString());
  try {
    await operator.migrate();
    await createTenant(operator, { slug: 'bench-move', name: 'Bench', isolation: Isolation.SCHEMA, plan: Plan.ENTERPRISE, domains: [], admin: { email: 'admin@bench.test', password: 'bench-admin-password' } });
    await seed(operator, 'bench-move');
    console.log(`one hospital, ${PATIENTS} patients`);

    const file = join(mkdtempSync(join(tmpdir(), 'sovereign-bench-archive-')), 'bench.gz');
    let started = performance.now();
    await operator.transfer.export('bench-move', file);
    console.log(`export-tenant (SCHEMA)            ${ms(started)}, archive ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`);
    started = performance.now();
    await operator.transfer.import(file, { slug: 'bench-copy', isolation: Isolation.DATABASE });
    console.log(`import-tenant (as DATABASE)       ${ms(started)}`);

    for (const to of [Isolation.SHARED, Isolation.DATABASE, Isolation.SCHEMA]) {
      started = performance.now();
      const result = await operator.transfer.move('bench-move', to);
      console.log(`move-tenant ${result.from.isolation.padEnd(8)} → ${to.padEnd(8)}  ${ms(started)}, requests held ${result.heldMs} ms`);
    }
    let held = 0;
    started = performance.now();
    const load = await underLoad(gateway, 'bench-move', async () => {
      held = (await operator.transfer.move('bench-move', Isolation.SHARED)).heldMs;
    });
    console.log(`move-tenant SCHEMA   → SHARED    ${ms(started)} under ${WRITERS} writers: held ${held} ms, ${load.writes} writes, longest write ${load.longest.toFixed(0)} ms`);
  } finally {
    await gateway.close();
    await operator.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
