import type { GatewayClient, GqlAnswer } from './gateway-client';
import { outcomeOf } from './gateway-client';
import type { Probe } from './probes';

/** One thing a hospital tried against another, and whether it got through. */
export interface AttemptResult {
  from: string;
  to: string;
  attempt: string;
  outcome: string;
  crossed: boolean;
}

const PATIENTS = 'query($search: String) { patients(first: 100, search: $search) { totalCount edges { node { id mrn lastName } } } }';
const PATIENT = 'query($id: ID!) { patient(id: $id) { id mrn lastName } }';
const UPDATE = 'mutation($id: ID!) { updatePatient(id: $id, input: { lastName: "Crossed" }) { id lastName } }';
const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
export const CREATE = 'mutation($mrn: String!) { createPatient(input: { firstName: "Isolation", lastName: "Probe", birthDate: "2000-01-01", mrn: $mrn }) { id } }';

const bearer = (p: Probe) => ({ authorization: `Bearer ${p.token}` });
const path = (p: Probe) => `/t/${p.slug}/graphql`;
const listed = (answer: GqlAnswer, id: string) =>
  ((answer.data?.patients as { edges?: { node: { id: string } }[] } | undefined)?.edges ?? []).some((e) => e.node.id === id);

/**
 * Everything `from` tries against `to` through the live API: the other hospital's endpoint, header
 * and path disagreeing, reading, searching and changing the other's patient by id, and signing in
 * with its own credentials there. An attempt has crossed when it returned or changed `to`'s data.
 */
export async function attemptsAgainst(client: GatewayClient, from: Probe, to: Probe): Promise<AttemptResult[]> {
  const target = to.patientIds[0]!;
  const tries: [string, () => Promise<GqlAnswer>, (a: GqlAnswer) => boolean][] = [
    ['its token at the other hospital’s endpoint lists patients', () => client.call(path(to), PATIENTS, {}, bearer(from)), (a) => Boolean(a.data?.patients)],
    ['its token naming the other hospital by X-Tenant-ID lists patients', () => client.call('/graphql', PATIENTS, {}, { ...bearer(from), 'x-tenant-id': to.slug }), (a) => Boolean(a.data?.patients)],
    ['its own endpoint with X-Tenant-ID of the other lists patients', () => client.call(path(from), PATIENTS, {}, { ...bearer(from), 'x-tenant-id': to.slug }), (a) => listed(a, target)],
    ['reads the other hospital’s patient by id', () => client.call(path(from), PATIENT, { id: target }, bearer(from)), (a) => Boolean(a.data?.patient)],
    ['searches for the other hospital’s patient by MRN', () => client.call(path(from), PATIENTS, { search: 'PROBE-' }, bearer(from)), (a) => listed(a, target)],
    ['updates the other hospital’s patient by id', () => client.call(path(from), UPDATE, { id: target }, bearer(from)), (a) => Boolean(a.data?.updatePatient)],
    ['its token updates the patient at the other hospital’s endpoint', () => client.call(path(to), UPDATE, { id: target }, bearer(from)), (a) => Boolean(a.data?.updatePatient)],
    ['signs in at the other hospital with its own credentials', () => client.call(path(to), LOGIN, { email: from.email, password: from.password }), (a) => Boolean((a.data?.login as { token?: string } | undefined)?.token)],
  ];
  const results: AttemptResult[] = [];
  for (const [attempt, run, crossed] of tries) {
    const answer = await run();
    results.push({ from: from.slug, to: to.slug, attempt, outcome: outcomeOf(answer), crossed: crossed(answer) });
  }
  return results;
}
