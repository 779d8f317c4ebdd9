import 'reflect-metadata';
import { Migration } from '@mikro-orm/migrations';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG_MIGRATIONS } from '../migrations/catalog';
import { TENANT_MIGRATIONS } from '../migrations/tenant';
import { openTenancy, TENANT_ENTITIES } from '../src/app';
import { loadConfig } from '../src/config';
import { Isolation, Tenancy } from '../src/tenancy';
import { benchDatabase, createHospitals } from './support';

/**
 * `migrate` over many SCHEMA hospitals: (1) nothing to apply, through the real CLI in its own process
 * (start-up included); (2) one new column (the next release's migration), in process. The hospitals
 * are created directly through the tenancy core (catalog entry + placement at the latest migration,
 * no ADMIN user, so no password hashing). BENCH_DATABASE_URL's server (a fresh database on it) or a
 * throwaway embedded PostgreSQL.
 */
const HOSPITALS = Number(process.env.BENCH_HOSPITALS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

class Migration9900BenchColumn extends Migration {
  override up(): void {
    this.addSql('alter table patients add column bench_note text');
  }
}

const seconds = (start: number) => ((performance.now() - start) / 1000).toFixed(2);

async function main(): Promise<void> {
  const db = await benchDatabase();
  const url = new URL(db.url);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'b'.repeat(40), DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' });
  const tenancy = await openTenancy(config, url.toString());
  try {
    await tenancy.migrate();
    let start = performance.now();
    await createHospitals(tenancy, { count: HOSPITALS, isolation: Isolation.SCHEMA, concurrency: CONCURRENCY });
    console.log(`${HOSPITALS} SCHEMA hospitals created in ${seconds(start)} s (concurrency ${CONCURRENCY})`);

    start = performance.now();
    const cli = execFileSync(process.execPath, [join(__dirname, '..', 'src', 'cli', 'index.js'), 'migrate'], {
      env: { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: tmpdir(), JWT_SECRET: 'b'.repeat(40), NODE_ENV: 'test' },
      encoding: 'utf8',
    });
    console.log(`migrate, nothing to apply (CLI process, start-up included): ${seconds(start)} s — ${cli.trim().split('\n').pop()}`);

    const next = await Tenancy.open({
      config,
      databaseUrl: url.toString(),
      tenantEntities: TENANT_ENTITIES,
      catalogMigrations: CATALOG_MIGRATIONS,
      tenantMigrations: [...TENANT_MIGRATIONS, Migration9900BenchColumn],
    });
    try {
      start = performance.now();
      const report = await next.migrate({ concurrency: CONCURRENCY });
      console.log(`migrate, one new column on ${report.tenants.length} SCHEMA hospitals + the shared schema: ${seconds(start)} s (concurrency ${CONCURRENCY}, ${report.failed} failed)`);
      start = performance.now();
      const again = await next.migrate({ concurrency: CONCURRENCY });
      console.log(`migrate again, nothing to apply (in process): ${seconds(start)} s (${again.skipped} skipped)`);
    } finally {
      await next.close();
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
