import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPublicSchema, printSortedSchema } from '../../src/graphql/schema';

describe('schema/schema.graphql', () => {
  it('matches the schema emitted from the code (run `npm run schema` after changing it)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printSortedSchema(await buildPublicSchema())).toBe(committed);
  });
});
