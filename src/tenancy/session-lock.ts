import { Client } from 'pg';

/**
 * Shows that a piece of work is still running: a session-level advisory lock on a name, held on a
 * connection of its own (outside the owner pool, which the work itself uses) for as long as the work
 * runs. PostgreSQL releases it when that connection ends, so a free lock whose work is recorded as
 * running means its process is gone. Always taken in the main (catalog) database; the key is a 64-bit
 * hash of the name (`hashtextextended`), as the per-hospital request locks are: with 32 bits, another
 * hospital's key could collide and wait, or be waited on, for the whole of the work.
 */
export class SessionLock {
  private constructor(private readonly client: Client) {}

  /** Takes the lock of `name`: at once, or null when another session holds it (`wait`: once it is free). */
  static async take(catalogUrl: string, name: string, options: { wait?: boolean; purpose?: string } = {}): Promise<SessionLock | null> {
    const client = new Client({ connectionString: catalogUrl, application_name: `sovereign ${options.purpose ?? 'lock'}` });
    client.on('error', () => undefined); // a lost connection is noticed by the statements that need it
    await client.connect();
    try {
      const sql = options.wait ? 'select pg_advisory_lock(hashtextextended($1, 0)), true as taken' : 'select pg_try_advisory_lock(hashtextextended($1, 0)) as taken';
      const { rows } = await client.query<{ taken: boolean }>(sql, [name]);
      if (rows[0]?.taken) return new SessionLock(client);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end().catch(() => undefined);
    return null;
  }

  /** Ends the lock's session, which releases it; never throws. */
  async release(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
