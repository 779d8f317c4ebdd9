import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One `migrate` run over the fleet. INTERRUPTED: found still RUNNING by a later run (the process died). */
@Entity({ schema: 'catalog', tableName: 'migration_runs' })
export class MigrationRun {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The latest tenant migration the run brings placements to. */
  @Property({ type: 'text' })
  target!: string;

  /** `all` or `tenant:<slug>`. */
  @Property({ type: 'text' })
  scope!: string;

  @Property({ type: 'text' })
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'INTERRUPTED' = 'RUNNING';

  @Property({ type: 'integer' })
  total: number = 0;

  @Property({ type: 'integer' })
  succeeded: number = 0;

  @Property({ type: 'integer' })
  failed: number = 0;

  @Property({ type: 'timestamptz' })
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;
}

/** Where one hospital's placement stands in the latest run that touched it. */
@Entity({ schema: 'catalog', tableName: 'tenant_migration_state' })
export class TenantMigrationState {
  @PrimaryKey({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'bigint' })
  runId!: string;

  @Property({ type: 'text' })
  target!: string;

  @Property({ type: 'text' })
  status!: 'RUNNING' | 'DONE' | 'FAILED';

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
