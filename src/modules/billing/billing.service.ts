import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError } from '../../errors';
import { lockTenantScope } from '../../tenancy';
import type { Page } from '../common/connection';
import { findForUpdate, findOrFail } from '../common/lookup';
import { paginate } from '../common/paginate';
import { Patient } from '../patients/patient.entity';
import { HospitalSettings } from '../settings/settings.entity';
import { Invoice, InvoiceLine, InvoiceStatus, Payment } from './billing.entity';
import type { AddInvoiceLineInput, CreateInvoiceInput, InvoiceLineInput, InvoicesArgs, RecordPaymentInput } from './billing.inputs';

/** Loads the invoice with a row lock, so concurrent payments or lines on it run one after another. */
function lockInvoice(em: EntityManager, id: string): Promise<Invoice> {
  return findForUpdate(em, Invoice, id, 'Invoice');
}

/** Adds a line to the invoice's total; past the cap, BAD_USER_INPUT names `price`, the input field of the line's unit price. */
function addLine(em: EntityManager, invoice: Invoice, line: InvoiceLineInput, price = 'unitPriceCents'): InvoiceLine {
  const created = em.create(InvoiceLine, { invoiceId: invoice.id, description: line.description.trim(), quantity: line.quantity, unitPriceCents: line.unitPriceCents } as InvoiceLine);
  invoice.totalCents += created.amountCents;
  if (invoice.totalCents > 2_000_000_000) throw BadInputError.forFields({ [price]: 'the invoice total is too large' });
  return created;
}

/** A DRAFT invoice in the hospital's currency, numbered INV-000001, INV-000002, … within the hospital. */
export async function createInvoice(em: EntityManager, input: CreateInvoiceInput): Promise<Invoice> {
  const patient = await findOrFail(em, Patient, input.patientId, 'Patient');
  await lockTenantScope(em, 'invoice-number');
  const count = await em.count(Invoice, {});
  const settings = await em.findOne(HospitalSettings, {});
  const invoice = em.create(Invoice, {
    patientId: patient.id,
    number: `INV-${String(count + 1).padStart(6, '0')}`,
    currency: settings?.currency ?? new HospitalSettings().currency,
  } as Invoice);
  await em.flush(); // lines reference the invoice by column only, so the invoice row must exist first
  input.lines.forEach((line, i) => addLine(em, invoice, line, `lines.${i}.unitPriceCents`));
  await em.flush();
  return invoice;
}

export async function addInvoiceLine(em: EntityManager, input: AddInvoiceLineInput): Promise<Invoice> {
  const invoice = await lockInvoice(em, input.invoiceId);
  if (invoice.status !== InvoiceStatus.DRAFT) throw ConflictError.because(`Lines can only be added to a DRAFT invoice (this one is ${invoice.status})`);
  addLine(em, invoice, input);
  await em.flush();
  return invoice;
}

export async function issueInvoice(em: EntityManager, id: string): Promise<Invoice> {
  const invoice = await lockInvoice(em, id);
  if (invoice.status !== InvoiceStatus.DRAFT) throw ConflictError.because(`Only a DRAFT invoice can be issued (this one is ${invoice.status})`);
  if (invoice.totalCents === 0) throw ConflictError.because('An invoice without a charge cannot be issued');
  invoice.status = InvoiceStatus.ISSUED;
  invoice.issuedAt = new Date();
  await em.flush();
  return invoice;
}

export async function voidInvoice(em: EntityManager, id: string): Promise<Invoice> {
  const invoice = await lockInvoice(em, id);
  if (invoice.status !== InvoiceStatus.DRAFT && invoice.status !== InvoiceStatus.ISSUED) throw ConflictError.because(`A ${invoice.status} invoice cannot be voided`);
  if (invoice.paidCents > 0) throw ConflictError.because('An invoice with payments cannot be voided');
  invoice.status = InvoiceStatus.VOID;
  await em.flush();
  return invoice;
}

/** A payment on an ISSUED invoice, at most its balance; the invoice becomes PAID when nothing is left. */
export async function recordPayment(em: EntityManager, input: RecordPaymentInput): Promise<Payment> {
  const invoice = await lockInvoice(em, input.invoiceId);
  if (invoice.status !== InvoiceStatus.ISSUED) throw ConflictError.because(`Payments are taken on ISSUED invoices only (this one is ${invoice.status})`);
  if (input.amountCents > invoice.balanceCents) throw BadInputError.forFields({ amountCents: `must not exceed the balance of ${invoice.balanceCents}` });
  const payment = em.create(Payment, { invoiceId: invoice.id, amountCents: input.amountCents, method: input.method } as Payment);
  invoice.paidCents += input.amountCents;
  if (invoice.balanceCents === 0) invoice.status = InvoiceStatus.PAID;
  await em.flush();
  return payment;
}

export function listInvoices(em: EntityManager, args: InvoicesArgs): Promise<Page<Invoice>> {
  const where: Record<string, unknown> = {};
  if (args.filter?.patientId) where.patientId = args.filter.patientId;
  if (args.filter?.status?.length) where.status = { $in: args.filter.status };
  return paginate(em, Invoice, where, args, { createdAt: 'desc', id: 'desc' });
}
