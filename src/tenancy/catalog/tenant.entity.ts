import { Collection, Entity, Enum, OneToMany, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { TenantDomain } from './tenant-domain.entity';

export enum Isolation {
  SHARED = 'SHARED',
  SCHEMA = 'SCHEMA',
  DATABASE = 'DATABASE',
}

export enum Plan {
  TRIAL = 'TRIAL',
  BASIC = 'BASIC',
  PROFESSIONAL = 'PROFESSIONAL',
  ENTERPRISE = 'ENTERPRISE',
}

/** PROVISIONING and DELETED tenants are invisible to resolution. */
export enum TenantStatus {
  PROVISIONING = 'PROVISIONING',
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  DELETED = 'DELETED',
}

/** Statuses of hospitals that requests can reach, and that can be changed, suspended, moved or deleted. */
export const SERVING = [TenantStatus.ACTIVE, TenantStatus.SUSPENDED];

/** A hospital's catalog entry: who it is and where its rows live (its placement). */
@Entity({ schema: 'catalog', tableName: 'tenants' })
export class Tenant {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  slug!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => Isolation })
  isolation!: Isolation;

  @Enum({ items: () => Plan })
  plan!: Plan;

  @Enum({ items: () => TenantStatus })
  status: TenantStatus = TenantStatus.PROVISIONING;

  /** Placement: server name, database name and schema name. Derived, never taken from input. */
  @Property({ type: 'text' })
  serverName!: string;

  @Property({ type: 'text' })
  databaseName!: string;

  @Property({ type: 'text' })
  schemaName!: string;

  /** Last tenant migration applied to this tenant's placement (SHARED tenants share one). */
  @Property({ type: 'text', nullable: true })
  migrationVersion: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  trialEndsAt: Date | null = null;

  /** How to reach the hospital (operators and billing; never patient data). */
  @Property({ type: 'text', nullable: true })
  contactEmail: string | null = null;

  @Property({ type: 'text', nullable: true })
  contactPhone: string | null = null;

  @Property({ type: 'text', nullable: true })
  address: string | null = null;

  /** Per-hospital limits overriding the plan's (null: the plan decides). */
  @Property({ type: 'integer', nullable: true })
  maxUsers: number | null = null;

  @Property({ type: 'integer', nullable: true })
  maxAssets: number | null = null;

  /** Set when the hospital is deleted; its data is kept until `purgeAfter`. */
  @Property({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  purgeAfter: Date | null = null;

  /** A legal hold keeps a deleted hospital's data: purging is refused while it is set. */
  @Property({ type: 'boolean' })
  legalHold: boolean = false;

  @Property({ type: 'text', nullable: true })
  legalHoldReason: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @OneToMany(() => TenantDomain, (d) => d.tenant, { orphanRemoval: true })
  domains = new Collection<TenantDomain>(this);
}
