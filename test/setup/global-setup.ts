import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded';

/**
 * Tests run against DATABASE_URL's server when it is set (CI uses the machine's PostgreSQL), and
 * otherwise against a throwaway embedded PostgreSQL started here. Each test file creates its own
 * databases on that server (see test/fixtures/database.ts); teardown drops them.
 */
export default async function globalSetup(): Promise<void> {
  process.env.SOVEREIGN_TEST_RUN = `sovt_${Date.now().toString(36)}`;
  if (process.env.DATABASE_URL) {
    process.env.SOVEREIGN_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sovereign-test-pg-'));
  const port = 55_000 + Math.floor(Math.random() * 5_000);
  const db = await startEmbeddedPostgres({ dir, port, database: 'postgres', persistent: false });
  process.env.SOVEREIGN_TEST_SERVER_URL = db.url;
  (globalThis as { __embeddedPg?: typeof db }).__embeddedPg = db;
}
