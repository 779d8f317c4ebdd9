import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export enum DemoRequestStatus {
  PENDING = 'PENDING',
  CONVERTED = 'CONVERTED',
}

/** A prospective hospital asking for a demo (public form); the platform team may convert it into a hospital. */
@Entity({ schema: 'catalog', tableName: 'demo_requests' })
export class DemoRequest {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  hospitalName!: string;

  @Property({ type: 'text' })
  contactName!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text', nullable: true })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  message: string | null = null;

  @Enum({ items: () => DemoRequestStatus })
  status: DemoRequestStatus = DemoRequestStatus.PENDING;

  @Property({ type: 'text', nullable: true })
  clientAddress: string | null = null;

  /** The hospital provisioned from this request. */
  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  convertedAt: Date | null = null;
}
