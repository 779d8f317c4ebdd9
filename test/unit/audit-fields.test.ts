import 'reflect-metadata';
import { buildSchema } from 'graphql';
import { collectIds, noteNestedRead, readType, type RootField } from '../../src/graphql/audit-fields';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const T = '33333333-3333-4333-8333-333333333333';

const root = (key: string): RootField => ({ key, name: key, recordIds: new Set(), auditedRead: false, tenant: {} });

describe('what the audit plugin records of a field', () => {
  it('takes ids and …Id arguments, inside input too, but never the tenant id', () => {
    const ids = new Set<string>();
    collectIds({ id: A, input: { patientId: B, tenantId: T, mrn: 'X-1' }, search: 'Lovelace' }, ids, 'args');
    expect([...ids].sort()).toEqual([A, B]);
  });

  it('takes the ids of returned records and connection nodes, never other values', () => {
    const ids = new Set<string>();
    collectIds({ edges: [{ cursor: 'c', node: { id: A, tenantId: T, createdById: B, lastName: 'Lovelace' } }] }, ids, 'result');
    expect([...ids]).toEqual([A]);
  });

  it('sees a patient connection as a read of patients', () => {
    const schema = buildSchema(`
      type Patient { id: ID! }
      type PatientEdge { node: Patient! }
      type PatientConnection { edges: [PatientEdge!]! }
      type Appointment { id: ID! patient: Patient }
      type Query { patients: PatientConnection! patient: Patient appointments: [Appointment!]! }
    `);
    const fields = schema.getQueryType()!.getFields();
    expect([readType(fields.patients!.type), readType(fields.patient!.type), readType(fields.appointments!.type)]).toEqual(['Patient', 'Patient', 'Appointment']);
  });

  it('counts a patient read nested under another root field as a read by that field', () => {
    const fields = [root('appointments'), root('me')];
    const path = { prev: { prev: { prev: { prev: undefined, key: 'appointments', typename: 'Query' }, key: 0, typename: undefined }, key: 'patient', typename: 'Appointment' }, key: 'id', typename: 'Patient' };
    noteNestedRead(fields, path, 'Patient', { id: A, lastName: 'Lovelace' });
    expect(fields[0]).toMatchObject({ auditedRead: true, recordIds: new Set([A]) });
    expect(fields[1]!.auditedRead).toBe(false);
  });

  it("counts the parts of a patient's record nested under another root field as reads of their patient, not of themselves", () => {
    const fields = [root('search')];
    const path = { prev: { prev: { prev: undefined, key: 'search', typename: 'Query' }, key: 0, typename: undefined }, key: 'appointment', typename: 'SearchHit' };
    noteNestedRead(fields, path, 'Appointment', [{ id: B, patientId: A, reason: 'check-up' }, null]);
    expect(fields[0]).toMatchObject({ auditedRead: true, recordIds: new Set([A]) });
  });

  it('does not count a nested field that returned nothing as a read', () => {
    const fields = [root('search')];
    const path = { prev: { prev: undefined, key: 'search', typename: 'Query' }, key: 'labOrder', typename: 'SearchHit' };
    noteNestedRead(fields, path, 'LabOrder', null);
    noteNestedRead(fields, path, 'LabOrder', []);
    expect(fields[0]).toMatchObject({ auditedRead: false, recordIds: new Set() });
  });
});
