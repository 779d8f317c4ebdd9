import { Isolation } from '../catalog';
import { MAIN_SERVER, quoteIdent, type Placement } from '../placement';
import type { OwnerAccess } from '../owner-access';
import type { SpareSchemas } from '../spares/stock';
import type { IsolationStrategy, PlacementMigrator } from './strategy';

/** SCHEMA: its own schema in the main database. */
export class SchemaIsolation implements IsolationStrategy {
  readonly mode = Isolation.SCHEMA;

  constructor(
    private readonly owner: OwnerAccess,
    private readonly migrator: PlacementMigrator,
    private readonly spares: SpareSchemas,
  ) {}

  /**
   * At the latest migration in the main database, a ready spare renamed to the placement's schema
   * when there is one (no DDL beyond the rename); otherwise, or at an older migration (imports), the
   * tenant migrations applied here and now.
   */
  async create(placement: Placement, upTo?: string): Promise<void> {
    const latest = upTo === undefined || upTo === this.migrator.latest;
    const main = placement.server === MAIN_SERVER && placement.database === this.owner.servers.mainDatabase;
    if (latest && main && (await this.spares.claim(placement.schema))) return;
    await this.owner.run(placement.server, placement.database, (orm) => this.migrator.migrate(orm, placement.schema, upTo));
  }

  async destroy(placement: Placement): Promise<void> {
    await this.owner.run(placement.server, placement.database, async (orm) => {
      await orm.em.fork().getConnection().execute(`drop schema if exists ${quoteIdent(placement.schema)} cascade`);
    });
  }
}
