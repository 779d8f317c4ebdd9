import { Client } from 'pg';

/**
 * Shows that a hospital's provisioning is still running: a session-level advisory lock keyed by its
 * tenant id, held on a connection of its own (outside the owner pool, which provisioning itself uses)
 * from before its catalog entry is written until it is ACTIVE or undone. PostgreSQL releases it when
 * that connection ends, so a free lock on a PROVISIONING entry means its process is gone.
 * Advisory locks belong to one database: always the main (catalog) database, which SHARED and SCHEMA
 * hospitals' request locks (lockTenantScope) share, so the key is a 64-bit hash as theirs is: with
 * 32 bits, another hospital's key could collide and wait, or be waited on, for a whole provisioning.
 */
export class ProvisioningLock {
  private constructor(private readonly client: Client) {}

  /** Takes the lock of `tenantId`; null when another session holds it. */
  static async take(catalogUrl: string, tenantId: string): Promise<ProvisioningLock | null> {
    const client = new Client({ connectionString: catalogUrl, application_name: 'sovereign provisioning' });
    client.on('error', () => undefined); // a lost connection is noticed by the statements that need it
    await client.connect();
    try {
      const { rows } = await client.query<{ taken: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as taken', [`sovereign-provisioning:${tenantId}`]);
      if (rows[0]?.taken) return new ProvisioningLock(client);
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
