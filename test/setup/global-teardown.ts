import { Client } from 'pg';

/** Drops every database this run created, then stops the embedded server if one was started. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.SOVEREIGN_TEST_SERVER_URL;
  const run = process.env.SOVEREIGN_TEST_RUN;
  if (url && run) {
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${run}%`]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
    await client.end();
  }
  const embedded = (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg;
  await embedded?.stop();
}
