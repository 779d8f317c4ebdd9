import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { ConfigError, loadConfig } from '../../src/config';
import { rootFieldNames } from '../../src/http/rate-limit-plugin';
import { PUBLIC_MUTATIONS, scaledLimit } from '../../src/rate-limits';
import { OPERATION_MATRIX } from '../fixtures/role-matrix';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };

function rootFields(source: string): string[] {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return rootFieldNames(operation, document).sort();
}

describe('rate-limit settings', () => {
  it('defaults to the plan table as it is and 120 public mutations per address per minute', () => {
    expect(loadConfig(base).rateLimits).toEqual({ multiplier: 1, publicPerMinute: 120 });
  });

  it('reads a fractional multiplier, and 0 to turn the request limits off', () => {
    expect(loadConfig({ ...base, RATE_LIMIT_MULTIPLIER: '2.5', RATE_LIMIT_PUBLIC_PER_MINUTE: '30' }).rateLimits).toEqual({ multiplier: 2.5, publicPerMinute: 30 });
    expect(scaledLimit(600, 0)).toBeNull();
    expect(scaledLimit(0, 1)).toBeNull();
  });

  it.each(['-1', 'lots', 'Infinity', '0x10', '1e3', '.5', '5.', '1000001'])('refuses RATE_LIMIT_MULTIPLIER=%s at start-up', (value) => {
    expect(() => loadConfig({ ...base, RATE_LIMIT_MULTIPLIER: value })).toThrow(ConfigError);
  });

  it('scales a limit and never below one request', () => {
    expect(scaledLimit(600, 0.5)).toBe(300);
    expect(scaledLimit(120, 0.001)).toBe(1);
  });
});

describe('what the rate limits count', () => {
  it('counts every root field once per occurrence, through aliases and fragments, but not nested fields', () => {
    expect(rootFields('mutation { a: login(email: "a", password: "b") { token } b: login(email: "c", password: "d") { token } }')).toEqual(['login', 'login']);
    expect(rootFields('mutation { ...F ... on Mutation { refreshToken(refreshToken: "x") { token } } } fragment F on Mutation { login(email: "a", password: "b") { token } }')).toEqual(['login', 'refreshToken']);
    expect(rootFields('{ me { id tenant { slug } } }')).toEqual(['me']);
  });

  it('limits per address exactly the mutations an anonymous caller may run (the role matrix)', () => {
    const anonymous = Object.entries(OPERATION_MATRIX)
      .filter(([name, row]) => name.startsWith('Mutation.') && row.allowed.includes('anonymous'))
      .map(([name]) => name.slice('Mutation.'.length));
    expect([...PUBLIC_MUTATIONS].sort()).toEqual(anonymous.sort());
  });
});
