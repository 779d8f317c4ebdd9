import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from './tenant.entity';

/** A custom host name that selects a hospital (at most one primary per hospital). */
@Entity({ schema: 'catalog', tableName: 'tenant_domains' })
export class TenantDomain {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Rel<Tenant>;

  @Property({ type: 'text', unique: true })
  hostname!: string;

  @Property({ type: 'boolean' })
  isPrimary: boolean = false;
}
