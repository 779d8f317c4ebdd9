import type { MikroORM } from '@mikro-orm/core';
import type { Isolation } from '../catalog';
import { applyMigrations, type MigrationClass } from '../migrations/runner';
import type { Placement } from '../placement';
import { grantRuntimeAccess } from '../runtime-role';

/** One per isolation mode: how a placement comes to exist and how it goes away. */
export interface IsolationStrategy {
  readonly mode: Isolation;
  /** Creates the placement at the latest tenant migration, reachable by the runtime role. */
  create(placement: Placement): Promise<void>;
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

  async migrate(owner: MikroORM, schema: string): Promise<string[]> {
    const applied = await applyMigrations(owner, schema, this.migrations);
    await grantRuntimeAccess(owner, schema, this.runtimeRole);
    return applied;
  }
}
