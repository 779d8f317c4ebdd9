import { Isolation } from '../catalog';
import { quoteIdent, type Placement } from '../placement';
import type { OwnerAccess } from '../owner-access';
import type { IsolationStrategy, PlacementMigrator } from './strategy';

/** SCHEMA: its own schema in the main database. */
export class SchemaIsolation implements IsolationStrategy {
  readonly mode = Isolation.SCHEMA;

  constructor(
    private readonly owner: OwnerAccess,
    private readonly migrator: PlacementMigrator,
  ) {}

  async create(placement: Placement, upTo?: string): Promise<void> {
    await this.owner.run(placement.server, placement.database, (orm) => this.migrator.migrate(orm, placement.schema, upTo));
  }

  async destroy(placement: Placement): Promise<void> {
    await this.owner.run(placement.server, placement.database, async (orm) => {
      await orm.em.fork().getConnection().execute(`drop schema if exists ${quoteIdent(placement.schema)} cascade`);
    });
  }
}
