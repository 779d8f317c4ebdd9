import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Connection } from '../common/connection';
import { isUuid } from '../common/ids';
import { tenantEm } from '../common/tenant-em';
import { Patient } from '../patients/patient.entity';
import { Invoice, InvoiceLine, Payment } from './billing.entity';
import { AddInvoiceLineInput, CreateInvoiceInput, InvoicesArgs, RecordPaymentInput } from './billing.inputs';
import * as billing from './billing.service';

const InvoiceConnection = Connection(Invoice, 'Invoice');

@Resolver(() => Invoice)
export class InvoiceResolver {
  @Query(() => InvoiceConnection, { description: 'Invoices, newest first.' })
  async invoices(@Args() args: InvoicesArgs, @Ctx() ctx: RequestContext) {
    return billing.listInvoices(await tenantEm(ctx), args);
  }

  @Query(() => Invoice, { nullable: true })
  async invoice(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Invoice | null> {
    return isUuid(id) ? (await tenantEm(ctx)).findOne(Invoice, { id }) : null;
  }

  @Mutation(() => Invoice, { description: 'A DRAFT invoice in the hospital’s currency.' })
  async createInvoice(@Arg('input') input: CreateInvoiceInput, @Ctx() ctx: RequestContext): Promise<Invoice> {
    return billing.createInvoice(await tenantEm(ctx), input);
  }

  @Mutation(() => Invoice)
  async addInvoiceLine(@Arg('input') input: AddInvoiceLineInput, @Ctx() ctx: RequestContext): Promise<Invoice> {
    return billing.addInvoiceLine(await tenantEm(ctx), input);
  }

  @Mutation(() => Invoice, { description: 'DRAFT → ISSUED.' })
  async issueInvoice(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Invoice> {
    return billing.issueInvoice(await tenantEm(ctx), id);
  }

  @Mutation(() => Invoice, { description: 'DRAFT or unpaid ISSUED → VOID.' })
  async voidInvoice(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Invoice> {
    return billing.voidInvoice(await tenantEm(ctx), id);
  }

  @Mutation(() => Payment, { description: 'Takes a payment on an ISSUED invoice; it becomes PAID when the balance reaches zero.' })
  async recordPayment(@Arg('input') input: RecordPaymentInput, @Ctx() ctx: RequestContext): Promise<Payment> {
    return billing.recordPayment(await tenantEm(ctx), input);
  }

  @FieldResolver(() => Patient)
  async patient(@Root() i: Invoice, @Ctx() ctx: RequestContext): Promise<Patient> {
    return (await ctx.loaders.patient.load(i.patientId))!;
  }

  @FieldResolver(() => [InvoiceLine])
  lines(@Root() i: Invoice, @Ctx() ctx: RequestContext): Promise<InvoiceLine[]> {
    return ctx.loaders.invoiceLinesByInvoice.load(i.id);
  }

  @FieldResolver(() => [Payment])
  payments(@Root() i: Invoice, @Ctx() ctx: RequestContext): Promise<Payment[]> {
    return ctx.loaders.paymentsByInvoice.load(i.id);
  }
}
