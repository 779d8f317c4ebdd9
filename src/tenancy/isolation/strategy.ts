import type { MikroORM } from '@mikro-orm/core';
import type { Isolation } from '../catalog';
import { applyMigrations, type MigrationClass } from '../migrations/runner';
import type { Placement } from '../placement';
import { grantRuntimeAccess } from '../runtime-role';

/** One per isolation mode: how a placement comes to exist and how it goes away. */
export interface IsolationStrategy {
  readonly mode: Isolation;
  /**
   * Creates the placement at the latest tenant migration (or at `upTo`, for an import from an older
   * archive), reachable by the runtime role.
   */
  create(placement: Placement, upTo?: string): Promise<void>;
  /** Removes one tenant's rows and, where the tenant has its own, its schema or database. */
  destroy(placement: Placement, tenantId: string): Promise<void>;
}

/** Brings one placement schema to the latest tenant migration and grants the runtime role access. */
export class PlacementMigrator {
  constructor(
    private readonly migrations: MigrationClass[],
    private readonly runtimeRole: string,
  ) {}

  get latest(): string {
    return this.migrations[this.migrations.length - 1]!.name;
  }

  /** Names of all tenant migrations, in the order they apply. */
  get names(): string[] {
    return this.migrations.map((m) => m.name);
  }

  /** Applies the tenant migrations to `schema`, all of them or those up to and including `upTo`. */
  async migrate(owner: MikroORM, schema: string, upTo?: string): Promise<string[]> {
    const end = upTo === undefined ? this.migrations.length : this.names.indexOf(upTo) + 1;
    if (end === 0) throw new Error(`Unknown tenant migration "${upTo}"`);
    const applied = await applyMigrations(owner, schema, this.migrations.slice(0, end));
    await grantRuntimeAccess(owner, schema, this.runtimeRole);
    return applied;
  }
}
