import {
  AddInvoiceLineDocument, CreateInvoiceDocument, InvoiceDocument, InvoicesDocument, IssueInvoiceDocument, PatientBalanceDocument,
  RecordPaymentDocument, UpdateHospitalSettingsDocument, VoidInvoiceDocument,
} from '../../e2e/generated/graphql';
import { errorCode, TestGateway } from '../../fixtures/gateway';
import { addPatient, addStaff, type Staff } from '../../fixtures/staff';

describe('billing', () => {
  let gw: TestGateway;
  let admin: { slug: string; token: string };
  let clerk: Staff;
  let patientId: string;

  const draft = async () => {
    const created = await gw.gql(CreateInvoiceDocument, { input: { patientId, lines: [{ description: 'Consultation', quantity: 1, unitPriceCents: 5000 }] } }, clerk);
    if (!created.data) throw new Error(JSON.stringify(created.errors));
    return created.data.createInvoice;
  };

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = await gw.createTenant({ slug: 'billing' });
    clerk = await addStaff(gw, admin.slug, 'BILLING');
    patientId = await addPatient(gw, admin, 'Billed');
  });
  afterAll(() => gw.stop());

  it('numbers invoices within the hospital in the hospital’s currency', async () => {
    await gw.gql(UpdateHospitalSettingsDocument, { input: { currency: 'EUR' } }, admin);
    const first = await draft();
    const second = await draft();
    expect(first).toMatchObject({ status: 'DRAFT', currency: 'EUR', totalCents: 5000, balanceCents: 5000 });
    expect([first.number, second.number]).toEqual(['INV-000001', 'INV-000002']);
  });

  it('goes DRAFT → ISSUED → PAID through lines and payments, with the balance following', async () => {
    const invoice = await draft();
    const added = await gw.gql(AddInvoiceLineDocument, { input: { invoiceId: invoice.id, description: 'X-ray', quantity: 2, unitPriceCents: 2500 } }, clerk);
    expect(added.data?.addInvoiceLine).toMatchObject({ totalCents: 10000, lines: [{ amountCents: 5000 }, { amountCents: 5000 }] });
    expect((await gw.gql(IssueInvoiceDocument, { id: invoice.id }, clerk)).data?.issueInvoice.status).toBe('ISSUED');
    expect((await gw.gql(PatientBalanceDocument, { id: patientId }, clerk)).data?.patient?.openInvoiceBalanceCents).toBe(10000);
    await gw.gql(RecordPaymentDocument, { input: { invoiceId: invoice.id, amountCents: 4000, method: 'CARD' } }, clerk);
    expect((await gw.gql(InvoiceDocument, { id: invoice.id }, clerk)).data?.invoice).toMatchObject({ status: 'ISSUED', balanceCents: 6000 });
    const over = await gw.gql(RecordPaymentDocument, { input: { invoiceId: invoice.id, amountCents: 6001, method: 'CASH' } }, clerk);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { amountCents: expect.any(String) } });
    await gw.gql(RecordPaymentDocument, { input: { invoiceId: invoice.id, amountCents: 6000, method: 'CASH' } }, clerk);
    expect((await gw.gql(InvoiceDocument, { id: invoice.id }, clerk)).data?.invoice).toMatchObject({ status: 'PAID', balanceCents: 0, payments: [{ amountCents: 4000 }, { amountCents: 6000 }] });
    expect((await gw.gql(PatientBalanceDocument, { id: patientId }, clerk)).data?.patient?.openInvoiceBalanceCents).toBe(0);
  });

  it('sums open balances past 32 bits (two issued invoices of 1.5e9 minor units, as in IDR)', async () => {
    const debtor = await addPatient(gw, admin, 'Large');
    for (let i = 0; i < 2; i += 1) {
      const created = await gw.gql(CreateInvoiceDocument, { input: { patientId: debtor, lines: [{ description: 'Surgery', quantity: 15, unitPriceCents: 100_000_000 }] } }, clerk);
      expect(created.data?.createInvoice).toMatchObject({ totalCents: 1_500_000_000, balanceCents: 1_500_000_000 });
      await gw.gql(IssueInvoiceDocument, { id: created.data!.createInvoice.id }, clerk);
    }
    const balance = await gw.gql(PatientBalanceDocument, { id: debtor }, clerk);
    expect(balance.errors).toBeUndefined();
    expect(balance.data?.patient?.openInvoiceBalanceCents).toBe(3_000_000_000);
  });

  it('refuses invalid moves with CONFLICT: lines on an issued invoice, paying a draft, voiding a paid one, reissuing', async () => {
    const invoice = await draft();
    expect(errorCode(await gw.gql(RecordPaymentDocument, { input: { invoiceId: invoice.id, amountCents: 1, method: 'CASH' } }, clerk))).toBe('CONFLICT');
    await gw.gql(IssueInvoiceDocument, { id: invoice.id }, clerk);
    expect(errorCode(await gw.gql(IssueInvoiceDocument, { id: invoice.id }, clerk))).toBe('CONFLICT');
    expect(errorCode(await gw.gql(AddInvoiceLineDocument, { input: { invoiceId: invoice.id, description: 'Late', quantity: 1, unitPriceCents: 1 } }, clerk))).toBe('CONFLICT');
    await gw.gql(RecordPaymentDocument, { input: { invoiceId: invoice.id, amountCents: 5000, method: 'CASH' } }, clerk);
    expect(errorCode(await gw.gql(VoidInvoiceDocument, { id: invoice.id }, clerk))).toBe('CONFLICT');
    expect((await gw.gql(InvoiceDocument, { id: invoice.id }, clerk)).data?.invoice?.status).toBe('PAID');
  });

  it('voids a draft and an unpaid issued invoice, and refuses to issue an empty one', async () => {
    const empty = (await gw.gql(CreateInvoiceDocument, { input: { patientId } }, clerk)).data!.createInvoice;
    expect(errorCode(await gw.gql(IssueInvoiceDocument, { id: empty.id }, clerk))).toBe('CONFLICT');
    expect((await gw.gql(VoidInvoiceDocument, { id: empty.id }, clerk)).data?.voidInvoice.status).toBe('VOID');
    const issued = await draft();
    await gw.gql(IssueInvoiceDocument, { id: issued.id }, clerk);
    expect((await gw.gql(VoidInvoiceDocument, { id: issued.id }, clerk)).data?.voidInvoice.status).toBe('VOID');
  });

  it('takes concurrent payments one at a time, so the invoice is never overpaid', async () => {
    const invoice = await draft();
    await gw.gql(IssueInvoiceDocument, { id: invoice.id }, clerk);
    const results = await Promise.all(Array.from({ length: 5 }, () => gw.gql(RecordPaymentDocument, { input: { invoiceId: invoice.id, amountCents: 2000, method: 'CARD' } }, clerk)));
    expect(results.filter((r) => r.data?.recordPayment).length).toBe(2);
    expect((await gw.gql(InvoiceDocument, { id: invoice.id }, clerk)).data?.invoice).toMatchObject({ paidCents: 4000, balanceCents: 1000 });
  });

  it('refuses negative prices and zero quantities, naming the nested fields', async () => {
    const result = await gw.gql(CreateInvoiceDocument, { input: { patientId, lines: [{ description: 'x', quantity: 0, unitPriceCents: -1 }] } }, clerk);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(Object.keys(result.errors![0]!.extensions!.fields as object).sort()).toEqual(['lines.0.quantity', 'lines.0.unitPriceCents']);
  });

  it('refuses a total past the cap naming the input that took it there: the line of createInvoice, the price of addInvoiceLine', async () => {
    const line = (unitPriceCents: number) => ({ description: 'Ward night', quantity: 10_000, unitPriceCents });
    const created = await gw.gql(CreateInvoiceDocument, { input: { patientId, lines: [line(100_000), line(150_000)] } }, clerk);
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'lines.1.unitPriceCents': 'the invoice total is too large' } });
    expect(Object.keys(created.errors![0]!.extensions!.fields as object)).toEqual(['lines.1.unitPriceCents']);
    const invoice = await draft();
    const added = await gw.gql(AddInvoiceLineDocument, { input: { invoiceId: invoice.id, ...line(200_000) } }, clerk);
    expect(added.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { unitPriceCents: 'the invoice total is too large' } });
  });

  it.each(['DOCTOR', 'NURSE', 'RECEPTIONIST', 'LAB_TECH'] as const)('keeps invoices and balances from %s', async (role) => {
    const staff = await addStaff(gw, admin.slug, role);
    expect(errorCode(await gw.gql(InvoicesDocument, {}, staff))).toBe('FORBIDDEN');
    expect(errorCode(await gw.gql(CreateInvoiceDocument, { input: { patientId } }, staff))).toBe('FORBIDDEN');
    const balance = await gw.gql(PatientBalanceDocument, { id: patientId }, staff);
    expect(errorCode(balance)).toBe('FORBIDDEN');
  });
});
