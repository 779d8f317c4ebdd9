import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { costLimit } from '../../src/graphql/limits';

// An item costs 1 and a page `first` times its selection plus one: `items(first: 10) { id }` costs 20.
const schema = buildSchema(`
  type Item { id: ID! items(first: Int): [Item!]! }
  type Query { items(first: Int): [Item!]! ping(note: Int): Boolean }
`);
const MAX_COST = 100;

async function run(server: ApolloServer, query: string, variables: Record<string, unknown>, operationName?: string) {
  const response = await server.executeOperation({ query, variables, operationName });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const errors = response.body.singleResult.errors ?? [];
  return { status: response.http.status ?? 200, codes: errors.map((e) => e.extensions?.code), messages: errors.map((e) => e.message) };
}

describe('cost limit, estimated once per document and per value of the variables it depends on', () => {
  let server: ApolloServer;

  beforeAll(async () => {
    server = new ApolloServer({ schema, rootValue: { items: () => [], ping: () => true }, plugins: [costLimit(schema, MAX_COST)] });
    await server.start();
  });

  afterAll(() => server.stop());

  it('judges each page size of the same document on its own, in any order', async () => {
    const query = 'query Page($n: Int) { items(first: $n) { id } }';
    for (const [n, allowed] of [[10, true], [60, false], [10, true], [60, false], [49, true]] as const) {
      const result = await run(server, query, { n });
      expect(result.codes).toEqual(allowed ? [] : ['BAD_USER_INPUT']);
      if (!allowed) expect(result.messages[0]).toMatch(/too expensive: estimated cost 120/);
    }
  });

  it('tells a variable left out, whose default then applies, from one sent as null', async () => {
    const query = 'query Defaulted($n: Int = 60) { items(first: $n) { id } }';
    expect((await run(server, query, { n: null })).codes).toEqual([]);
    expect((await run(server, query, {})).codes).toEqual(['BAD_USER_INPUT']);
    expect((await run(server, query, { n: null })).codes).toEqual([]);
  });

  it('counts a part only when @include and @skip keep it, whichever way a variable turns them', async () => {
    const query = 'query Maybe($big: Boolean!, $small: Boolean!) { items(first: 60) @include(if: $big) { id } ping @skip(if: $small) }';
    expect((await run(server, query, { big: false, small: false })).codes).toEqual([]);
    expect((await run(server, query, { big: true, small: false })).codes).toEqual(['BAD_USER_INPUT']);
    expect((await run(server, query, { big: false, small: true })).codes).toEqual([]);
    expect((await run(server, query, { big: true, small: true })).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('keeps the operations of one document apart', async () => {
    const query = 'query Cheap { items(first: 1) { id } } query Dear { items(first: 99) { id } }';
    expect((await run(server, query, {}, 'Dear')).codes).toEqual(['BAD_USER_INPUT']);
    expect((await run(server, query, {}, 'Cheap')).codes).toEqual([]);
    expect((await run(server, query, {}, 'Dear')).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('counts a page size nested in a fragment', async () => {
    const query = 'query Nested($n: Int) { items(first: 2) { ...More } } fragment More on Item { items(first: $n) { id } }';
    expect((await run(server, query, { n: 5 })).codes).toEqual([]);
    expect((await run(server, query, { n: 40 })).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('still refuses a variable of the wrong type once the document is known, whether or not the cost depends on it', async () => {
    const query = 'query Typed($n: Int, $note: Int) { items(first: $n) { id } ping(note: $note) }';
    expect((await run(server, query, { n: 1, note: 1 })).codes).toEqual([]);
    for (const variables of [{ n: 'ten', note: 1 }, { n: 1, note: 'one' }]) {
      const result = await run(server, query, variables);
      expect(result.status).toBe(400);
      expect(result.codes).toEqual(['BAD_USER_INPUT']);
      expect(result.messages[0]).toMatch(/got invalid value/);
    }
  });
});
