import { getOperationAST, parse } from 'graphql';
import { rootFields } from '../../src/http/root-fields';

const names = (source: string) => {
  const document = parse(source);
  return rootFields(getOperationAST(document)!, document).map((f) => (f.alias ?? f.name).value);
};

describe('the root fields of an operation', () => {
  it('reads a document that failed validation: a fragment it does not define adds nothing, a fragment cycle ends', () => {
    expect(names('mutation { suspendTenant(slug: "a") { id } ...Missing }')).toEqual(['suspendTenant']);
    expect(names('mutation { ...A } fragment A on Mutation { a: resumeTenant(slug: "a") { id } ...B } fragment B on Mutation { ...A b: deleteTenant(slug: "a") { id } }')).toEqual(['a', 'b']);
  });

  it('reads each fragment once however often it is spread, so fragments spread within fragments cost one pass', () => {
    let source = 'query { ...F0 }';
    for (let i = 0; i < 20; i += 1) source += ` fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`;
    source += ' fragment F20 on Query { __typename }';
    expect(names(source)).toEqual(['__typename']);
  });
});
