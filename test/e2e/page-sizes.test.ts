import { parse, type TypedQueryDocumentNode } from 'graphql';
import { buildPublicSchema } from '../../src/graphql/schema';
import { MAX_PAGE_SIZE } from '../../src/modules/common/connection';
import { DEMO_PASSWORD, seedDemoHospital } from '../../src/modules/demo/demo-seed';
import { Isolation } from '../../src/tenancy';
import { AppointmentsDocument, PatientsDocument } from './generated/graphql';
import { errorCode, TestGateway } from '../fixtures/gateway';

/**
 * Every `first` argument in the schema, root or nested, follows one rule: below 1 is BAD_USER_INPUT,
 * larger values are capped. Each case reads one field's `first` (the field named by `coordinate`),
 * given as `$first`, with `$patientId` and `$appointmentId` at hand.
 */
interface Case {
  coordinate: string;
  query: string;
  platform?: true;
}
const connection = (list: string, args = '') => `${list}(first: $first${args}) { totalCount edges { cursor } }`;
const CASES: Record<string, Case> = {
  apiKeys: { coordinate: 'Query.apiKeys', query: connection('apiKeys') },
  appointments: { coordinate: 'Query.appointments', query: connection('appointments') },
  auditLog: { coordinate: 'Query.auditLog', query: connection('auditLog') },
  demoRequests: { coordinate: 'Query.demoRequests', query: connection('demoRequests'), platform: true },
  departments: { coordinate: 'Query.departments', query: connection('departments') },
  encounters: { coordinate: 'Query.encounters', query: connection('encounters', ', patientId: $patientId') },
  invoices: { coordinate: 'Query.invoices', query: connection('invoices') },
  labOrders: { coordinate: 'Query.labOrders', query: connection('labOrders') },
  patients: { coordinate: 'Query.patients', query: connection('patients') },
  search: { coordinate: 'Query.search', query: 'search(query: "DEMO", first: $first) { __typename }' },
  tenants: { coordinate: 'Query.tenants', query: connection('tenants'), platform: true },
  users: { coordinate: 'Query.users', query: connection('users') },
  vitals: { coordinate: 'Query.vitals', query: connection('vitals', ', patientId: $patientId') },
  'patient.appointments': { coordinate: 'Patient.appointments', query: 'patient(id: $patientId) { appointments(first: $first) { id } }' },
  'patients.appointments (read with the page)': { coordinate: 'Patient.appointments', query: 'patients { edges { node { appointments(first: $first) { id } } } }' },
  'appointment.patient.appointments (through the loader)': {
    coordinate: 'Patient.appointments',
    query: 'appointment(id: $appointmentId) { patient { appointments(first: $first) { id } } }',
  },
  'patient.latestLabResults': { coordinate: 'Patient.latestLabResults', query: 'patient(id: $patientId) { latestLabResults(first: $first) { id } }' },
  'patient.nextAppointments': { coordinate: 'Patient.nextAppointments', query: 'patient(id: $patientId) { nextAppointments(first: $first) { id } }' },
};

/** One case as a query document; only the variables it uses are declared. */
function document(body: string): TypedQueryDocumentNode<Record<string, unknown>, Record<string, unknown>> {
  const variables = ['$first: Int!', body.includes('$patientId') && '$patientId: ID!', body.includes('$appointmentId') && '$appointmentId: ID!'];
  return parse(`query (${variables.filter(Boolean).join(', ')}) { ${body} }`) as never;
}

/** The lengths of every list in an answer (any depth), to check a cap. */
function listLengths(value: unknown): number[] {
  if (Array.isArray(value)) return [value.length, ...value.flatMap(listLengths)];
  if (value && typeof value === 'object') return Object.values(value).flatMap(listLengths);
  return [];
}

describe('page sizes over HTTP', () => {
  let gw: TestGateway;
  let platform: string;
  let hospital: { slug: string; token: string };
  let ids: { patientId: string; appointmentId: string };

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
    const slug = 'page-sizes';
    await seedDemoHospital(gw.tenancy, { slug, isolation: Isolation.SHARED, patients: 6, seed: 5 });
    hospital = { slug, token: await gw.login(`admin@${slug}.example`, DEMO_PASSWORD, slug) };
    // The first demo patient has a completed appointment and a lab result.
    const patientId = (await gw.gql(PatientsDocument, { search: 'DEMO-00001' }, hospital)).data!.patients.edges[0]!.node.id;
    const appointments = await gw.gql(AppointmentsDocument, { filter: { patientId } }, hospital);
    ids = { patientId, appointmentId: appointments.data!.appointments.edges[0]!.node.id };
  }, 120_000);
  afterAll(() => gw.stop());

  const run = (name: string, first: number) => gw.gql(document(CASES[name]!.query), { first, ...ids }, CASES[name]!.platform ? { token: platform } : hospital);

  it('covers every field of the schema that takes first', async () => {
    const schema = await buildPublicSchema();
    const withFirst = Object.values(schema.getTypeMap()).flatMap((type) => {
      if (type.name.startsWith('__') || !('getFields' in type) || !('getInterfaces' in type)) return [];
      return Object.values(type.getFields()).filter((field) => field.args.some((arg) => arg.name === 'first')).map((field) => `${type.name}.${field.name}`);
    });
    expect([...new Set(Object.values(CASES).map((c) => c.coordinate))].sort()).toEqual(withFirst.sort());
  });

  it.each(Object.keys(CASES))('refuses %s with a first below 1, with BAD_USER_INPUT', async (name) => {
    for (const first of [0, -1, -2147483648]) {
      const result = await run(name, first);
      expect([first, errorCode(result), result.errors?.[0]?.message]).toEqual([first, 'BAD_USER_INPUT', 'Invalid input (first: first must not be less than 1)']);
    }
  });

  it.each(Object.keys(CASES))(`caps %s at ${MAX_PAGE_SIZE} for a larger first`, async (name) => {
    for (const first of [1, MAX_PAGE_SIZE + 1, 2147483647]) {
      const result = await run(name, first);
      expect([first, result.errors]).toEqual([first, undefined]);
      expect(Math.max(0, ...listLengths(result.data))).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    }
  });
});
