import { Isolation } from '../catalog';
import { quoteIdent, type Placement } from '../placement';
import type { OwnerAccess } from '../owner-access';
import type { PoolRegistry } from '../pools';
import type { IsolationStrategy, PlacementMigrator } from './strategy';

/** DATABASE: its own database, on the main server or a named one. */
export class DatabaseIsolation implements IsolationStrategy {
  readonly mode = Isolation.DATABASE;

  constructor(
    private readonly owner: OwnerAccess,
    private readonly migrator: PlacementMigrator,
    private readonly pools: PoolRegistry,
    private readonly runtimeRole: string,
  ) {}

  async create(placement: Placement, upTo?: string): Promise<void> {
    const db = quoteIdent(placement.database);
    await this.owner.run(placement.server, undefined, async (orm) => {
      const conn = orm.em.fork().getConnection();
      await conn.execute(`create database ${db}`);
      await conn.execute(`revoke all on database ${db} from public`);
      await conn.execute(`grant connect on database ${db} to ${quoteIdent(this.runtimeRole)}`);
    });
    await this.owner.run(placement.server, placement.database, async (orm) => {
      await orm.em.fork().getConnection().execute('revoke create on schema public from public');
      await this.migrator.migrate(orm, placement.schema, upTo);
    });
  }

  async destroy(placement: Placement): Promise<void> {
    await this.pools.evict(placement);
    await this.owner.run(placement.server, undefined, async (orm) => {
      await orm.em.fork().getConnection().execute(`drop database if exists ${quoteIdent(placement.database)} with (force)`);
    });
  }
}
