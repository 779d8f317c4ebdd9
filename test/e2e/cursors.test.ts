import { Cursor } from '@mikro-orm/core';
import { parse, type TypedQueryDocumentNode } from 'graphql';
import { buildPublicSchema } from '../../src/graphql/schema';
import { DEMO_PASSWORD, seedDemoHospital } from '../../src/modules/demo/demo-seed';
import { Department } from '../../src/modules/departments/department.entity';
import { User } from '../../src/modules/users/user.entity';
import { Isolation, runInTenant } from '../../src/tenancy';
import { Tenant } from '../../src/tenancy/catalog';
import { CreateApiKeyDocument, CreatePatientDocument, CreateUserDocument, PatientsDocument, RequestDemoDocument } from './generated/graphql';
import { errorCode, TestGateway, type GqlResult } from '../fixtures/gateway';

const ID = '00000000-0000-4000-8000-000000000000';
const encode = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/**
 * Cursors that fit no list's order (instant and id; text and id; last name, first name and id; one
 * slug): a value of the wrong type for its column, text holding NUL, a number out of any range, the
 * wrong length, or no cursor at all. Each is BAD_USER_INPUT before anything reaches the database.
 */
const CURSORS: [string, string][] = [
  ['a number where text or an instant belongs', encode([1, ID])],
  ['a huge number where text or an instant belongs', encode([1e308, ID])],
  ['a number past 64 bits where text or an instant belongs', encode([12345678901234567890, ID])],
  ['NUL where text belongs', encode(['\u0000', ID])],
  ['two numbers where names belong', encode([1, 2, ID])],
  ['a number where a first name belongs', encode(['a', 5, ID])],
  ['NUL in a last name', encode(['\u0000', 'a', ID])],
  ['NUL in a first name', encode(['a', 'x\u0000y', ID])],
  ['a lone number', encode([1])],
  ['a lone NUL', encode(['\u0000'])],
  ['a lone huge number', encode([1e308])],
  ['strings where an instant and an id belong', encode(['x', 'y'])],
  ['numbers', encode([1, 2])],
  ['an instant and an id that is not a uuid', encode(['2031-03-10T08:00:00.000Z', 'x'])],
  ['an object', encode([{ $gt: 1 }, ID])],
  ['true where text belongs', encode([true, ID])],
  ['null where text belongs', encode([null, ID])],
  ['not JSON', Buffer.from('not json').toString('base64url')],
  ['JSON that is no list', encode({ slug: 'x' } as never)],
];

/** Text that MikroORM's cursor decoder takes for an instant (it turns any string starting so into a Date). */
const LOOKS_LIKE_AN_INSTANT = '2024-01-01T00:00:00.000';

/** The lists ordered by text, with the fields of their sort key. */
const TEXT_ORDERED: Record<string, string[]> = {
  departments: ['code'],
  patients: ['lastName', 'firstName'],
  tenants: ['slug'],
  users: ['email'],
};

/**
 * Cursors that fit no list ordered by an instant and an id, though text of any look fits a list
 * ordered by text: an instant is read only as JSON writes a Date.
 */
const INSTANT_CURSORS: [string, string][] = [
  ['an instant that is no date', encode(['2031-99-99T99:99:99.999Z', ID])],
  ['an instant with an offset', encode(['2031-03-10T10:00:00.000+02:00', ID])],
  ['a day without a time', encode(['2031-03-10', ID])],
];

/** The cursors `list` refuses. */
const refusedOn = (list: string) => (list in TEXT_ORDERED ? CURSORS : [...CURSORS, ...INSTANT_CURSORS]);

/** Every list that takes `after`, with the arguments it needs, and who may read it. */
const LISTS: Record<string, { needsPatient?: true; platform?: true }> = {
  apiKeys: {},
  appointments: {},
  auditLog: {},
  demoRequests: { platform: true },
  departments: {},
  encounters: { needsPatient: true },
  invoices: {},
  labOrders: {},
  patients: {},
  tenants: { platform: true },
  users: {},
  vitals: { needsPatient: true },
};
const HOSPITAL_LISTS = Object.keys(LISTS).filter((list) => !LISTS[list]!.platform);
const PLATFORM_LISTS = Object.keys(LISTS).filter((list) => LISTS[list]!.platform);

interface ListPage {
  edges: { cursor: string }[];
  pageInfo: { endCursor: string | null };
}
interface KeyPage {
  edges: { node: Record<string, string> }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
type Variables = { after?: string | null; first?: number; patientId?: string };

/** A query of one list's page (its cursors and total), after the cursor given. */
function listQuery(list: string): TypedQueryDocumentNode<Record<string, ListPage>, Variables> {
  const patient = LISTS[list]!.needsPatient ? ['$patientId: ID!', 'patientId: $patientId'] : ['', ''];
  return parse(`query ($after: String, $first: Int! = 20 ${patient[0]}) {
    ${list}(after: $after, first: $first ${patient[1]}) { totalCount edges { cursor } pageInfo { endCursor } }
  }`) as never;
}

describe('cursors over HTTP', () => {
  let gw: TestGateway;
  let platform: string;
  const hospitals = new Map<Isolation, { slug: string; token: string; patientId: string }>();

  beforeAll(async () => {
    gw = await TestGateway.start();
    platform = await gw.platformToken();
    for (const isolation of Object.values(Isolation)) {
      const slug = `cursors-${isolation.toLowerCase()}`;
      await seedDemoHospital(gw.tenancy, { slug, isolation, patients: 6, seed: 3 });
      const token = await gw.login(`admin@${slug}.example`, DEMO_PASSWORD, slug);
      for (const name of ['first key', 'second key']) await gw.gql(CreateApiKeyDocument, { input: { name, role: 'NURSE' } }, { slug, token });
      // The first demo patient's appointment is completed, with an encounter and vitals.
      const found = await gw.gql(PatientsDocument, { search: 'DEMO-00001' }, { slug, token });
      hospitals.set(isolation, { slug, token, patientId: found.data!.patients.edges[0]!.node.id });
    }
    for (const hospitalName of ['First Demo', 'Second Demo']) {
      await gw.gql(RequestDemoDocument, { input: { hospitalName, contactName: 'Casey', email: `${hospitalName.length}@demo.test` } });
    }
  }, 180_000);
  afterAll(() => gw.stop());

  /** One list's page in a hospital of `isolation` (or on the platform), after `after`. */
  function page(list: string, isolation: Isolation, variables: Variables): Promise<GqlResult<Record<string, ListPage>>> {
    const hospital = hospitals.get(isolation)!;
    const as = LISTS[list]!.platform ? { token: platform } : hospital;
    return gw.gql(listQuery(list), { ...(LISTS[list]!.needsPatient ? { patientId: hospital.patientId } : {}), ...variables }, as);
  }

  it('covers every list of the schema that takes a cursor', async () => {
    const schema = await buildPublicSchema();
    const paged = Object.values(schema.getQueryType()!.getFields()).filter((field) => field.args.some((arg) => arg.name === 'after'));
    expect(paged.map((field) => field.name).sort()).toEqual(Object.keys(LISTS).sort());
  });

  describe.each(Object.values(Isolation))('in a %s hospital', (isolation) => {
    it.each(HOSPITAL_LISTS)('refuses on %s every cursor whose values do not fit the order, with BAD_USER_INPUT', async (list) => {
      for (const [why, after] of refusedOn(list)) {
        const result = await page(list, isolation, { after });
        expect([why, errorCode(result), result.errors?.[0]?.message]).toEqual([why, 'BAD_USER_INPUT', 'Invalid input (after: is not a valid cursor)']);
      }
    });

    it.each(HOSPITAL_LISTS)('pages on through %s with the cursors it gave', async (list) => {
      await pagesOn(list, isolation);
    });
  });

  it.each(PLATFORM_LISTS)('refuses on %s every cursor whose values do not fit the order, with BAD_USER_INPUT', async (list) => {
    for (const [why, after] of refusedOn(list)) {
      const result = await page(list, Isolation.SHARED, { after });
      expect([why, errorCode(result), result.errors?.[0]?.message]).toEqual([why, 'BAD_USER_INPUT', 'Invalid input (after: is not a valid cursor)']);
    }
  });

  it.each(PLATFORM_LISTS)('pages on through %s with the cursors it gave', async (list) => {
    await pagesOn(list, Isolation.SHARED);
  });

  it('gives cursors holding instants as instants, and takes them back', async () => {
    const first = await page('auditLog', Isolation.SHARED, { first: 1 });
    expect(Cursor.decode(first.data!.auditLog!.pageInfo.endCursor!)[0]).toBeInstanceOf(Date);
  });

  it('gives cursors as MikroORM encodes them, so cursors given before still page on', async () => {
    for (const list of ['auditLog', 'patients', 'users']) {
      const cursor = (await page(list, Isolation.SHARED, { first: 1 })).data![list]!.pageInfo.endCursor!;
      expect(Cursor.encode(Cursor.decode(cursor))).toBe(cursor);
    }
  });

  /**
   * Rows whose text sort key looks like an instant. Patient names are free text; the input rules keep
   * such text out of emails (lower-cased), department codes and slugs today, but rows written before
   * those rules, or imported, need not follow them: those rows are written straight to their tables.
   */
  describe('across a row whose text sort key looks like an instant', () => {
    beforeAll(async () => {
      for (const [isolation, hospital] of hospitals) {
        for (const [lastName, firstName] of [[LOOKS_LIKE_AN_INSTANT, 'Ada'], [LOOKS_LIKE_AN_INSTANT, LOOKS_LIKE_AN_INSTANT], [`${LOOKS_LIKE_AN_INSTANT}Z`, 'Bo']]) {
          const created = await gw.gql(CreatePatientDocument, { input: { lastName: lastName!, firstName: firstName!, birthDate: '1980-01-01' } }, hospital);
          expect(created.errors).toBeUndefined();
        }
        const user = await gw.gql(CreateUserDocument, { input: { email: `instant@${hospital.slug}.example`, password: 'instant-user-password', role: 'NURSE' } }, hospital);
        const tenant = (await gw.tenancy.store.bySlug(hospital.slug))!;
        await runInTenant(gw.tenancy.pools, tenant, async (em) => {
          em.create(Department, { name: 'Instant', code: LOOKS_LIKE_AN_INSTANT } as Department);
          await em.flush();
          await em.nativeUpdate(User, { id: user.data!.createUser.id }, { email: `${LOOKS_LIKE_AN_INSTANT}@${isolation.toLowerCase()}.example` });
        });
      }
      await gw.createTenant({ slug: 'cursors-instant' });
      await gw.tenancy.central.em.fork().nativeUpdate(Tenant, { slug: 'cursors-instant' }, { slug: LOOKS_LIKE_AN_INSTANT });
    });

    /** The sort keys of `list`, one page at a time of `first`, following each page's endCursor to the end. */
    async function walk(list: string, isolation: Isolation, first: number): Promise<string[]> {
      const keys: string[] = [];
      let after: string | null = null;
      do {
        const result: GqlResult<Record<string, KeyPage>> = await keyPage(list, isolation, { first, after });
        expect([list, isolation, after, result.errors]).toEqual([list, isolation, after, undefined]);
        const connection = result.data![list]!;
        keys.push(...connection.edges.map((edge) => TEXT_ORDERED[list]!.map((field) => edge.node[field]).join(' / ')));
        after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      } while (after);
      return keys;
    }

    function keyPage(list: string, isolation: Isolation, variables: Variables): Promise<GqlResult<Record<string, KeyPage>>> {
      const hospital = hospitals.get(isolation)!;
      const query = parse(`query ($after: String, $first: Int!) {
        ${list}(after: $after, first: $first) { edges { node { ${TEXT_ORDERED[list]!.join(' ')} } } pageInfo { hasNextPage endCursor } }
      }`) as TypedQueryDocumentNode<Record<string, KeyPage>, Variables>;
      return gw.gql(query, variables, list === 'tenants' ? { token: platform } : hospital);
    }

    /** One row at a time gives every row of the list once, in the order of one page holding them all. */
    async function pagesThrough(list: string, isolation: Isolation): Promise<void> {
      const all = await walk(list, isolation, 100);
      expect(all.some((key) => key.startsWith(LOOKS_LIKE_AN_INSTANT))).toBe(true);
      expect(await walk(list, isolation, 1)).toEqual(all);
    }

    describe.each(Object.values(Isolation))('in a %s hospital', (isolation) => {
      it.each(Object.keys(TEXT_ORDERED).filter((list) => list !== 'tenants'))('pages through %s one row at a time', async (list) => {
        await pagesThrough(list, isolation);
      });
    });

    it('pages through tenants one row at a time', async () => {
      await pagesThrough('tenants', Isolation.SHARED);
    });
  });

  /** The page after the first row's cursor answers without error and starts past that row. */
  async function pagesOn(list: string, isolation: Isolation): Promise<void> {
    const first = await page(list, isolation, { first: 1 });
    expect(first.errors).toBeUndefined();
    const cursor = first.data![list]!.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));
    const next = await page(list, isolation, { after: cursor, first: 100 });
    expect(next.errors).toBeUndefined();
    expect(next.data![list]!.edges.map((e) => e.cursor)).not.toContain(cursor);
  }
});
