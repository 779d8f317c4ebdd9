import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TenantScoped } from '../../tenancy/tenant-scoped';

export enum InvoiceStatus {
  DRAFT = 'DRAFT',
  ISSUED = 'ISSUED',
  PAID = 'PAID',
  VOID = 'VOID',
}
registerEnumType(InvoiceStatus, { name: 'InvoiceStatus' });

export enum PaymentMethod {
  CASH = 'CASH',
  CARD = 'CARD',
  BANK_TRANSFER = 'BANK_TRANSFER',
  INSURANCE = 'INSURANCE',
}
registerEnumType(PaymentMethod, { name: 'PaymentMethod' });

/** Amounts are integer minor units (cents) of `currency`, fixed from the hospital's settings at creation. */
@ObjectType('Invoice', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'invoices' })
export class Invoice extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  patientId!: string;

  @Field({ description: 'Unique within the hospital.' })
  @Property({ type: 'text' })
  number!: string;

  @Field(() => InvoiceStatus)
  @Enum({ items: () => InvoiceStatus })
  status: InvoiceStatus = InvoiceStatus.DRAFT;

  @Field({ description: 'ISO 4217 code.' })
  @Property({ type: 'text' })
  currency!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  totalCents: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  paidCents: number = 0;

  @Field(() => Int)
  get balanceCents(): number {
    return this.totalCents - this.paidCents;
  }

  @Field(() => GraphQLDateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  issuedAt: Date | null = null;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date = new Date();
}

@ObjectType('InvoiceLine', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'invoice_lines' })
export class InvoiceLine extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  invoiceId!: string;

  @Field()
  @Property({ type: 'text' })
  description!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  unitPriceCents!: number;

  @Field(() => Int)
  get amountCents(): number {
    return this.quantity * this.unitPriceCents;
  }
}

@ObjectType('Payment', { simpleResolvers: true })
@Entity({ schema: '*', tableName: 'payments' })
export class Payment extends TenantScoped {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  invoiceId!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  amountCents!: number;

  @Field(() => PaymentMethod)
  @Enum({ items: () => PaymentMethod })
  method!: PaymentMethod;

  @Field(() => GraphQLDateTime)
  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();
}
