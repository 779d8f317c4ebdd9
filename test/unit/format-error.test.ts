import { ValidationError } from 'class-validator';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { BadInputError } from '../../src/errors';
import { createErrorFormatter } from '../../src/graphql/format-error';
import { createLogger } from '../../src/logger';

/** The formatter with a logger whose lines the test reads. */
function formatterWithLog() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { format: createErrorFormatter(logger), lines };
}

/** Formats `error` as Apollo hands it over: thrown by the resolver at `requestDemo`. */
function formatThrown(format: ReturnType<typeof createErrorFormatter>, error: Error) {
  const wrapped = new GraphQLError(error.message, { path: ['requestDemo'], originalError: error });
  return format(wrapped.toJSON(), wrapped);
}

function problem(property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

describe('error formatter', () => {
  it('names every field of a list of validation problems, nested ones by their path', () => {
    const { format } = formatterWithLog();
    const invalid = new ArgumentValidationError([problem('input', undefined, [problem('hospitalName', { notBlank: 'hospitalName must not be blank' })])]);
    expect(formatThrown(format, invalid)).toMatchObject({
      message: 'Invalid input (input.hospitalName: hospitalName must not be blank)',
      extensions: { code: 'BAD_USER_INPUT', fields: { 'input.hospitalName': 'hospitalName must not be blank' } },
    });
  });

  it('answers a validation rule that threw (no list of problems) with an internal error whose reference the log carries', () => {
    const { format, lines } = formatterWithLog();
    const thrown = new URIError('URI malformed');
    const answer = formatThrown(format, new ArgumentValidationError(thrown as unknown as ValidationError[]));
    expect(answer.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reference: expect.any(String) });
    expect(answer.message).toBe(`Internal server error (reference ${String(answer.extensions?.reference)})`);
    expect(lines).toContainEqual(expect.objectContaining({ reference: answer.extensions?.reference, err: expect.objectContaining({ type: 'URIError', message: 'URI malformed' }) }));
  });

  it('answers a domain error thrown by a validation rule as that error', () => {
    const { format } = formatterWithLog();
    const thrown = BadInputError.forFields({ email: 'must be an email address' });
    expect(formatThrown(format, new ArgumentValidationError(thrown as unknown as ValidationError[]))).toMatchObject({
      message: 'Invalid input (email: must be an email address)',
      extensions: { code: 'BAD_USER_INPUT', fields: { email: 'must be an email address' } },
    });
  });

  it('answers with an internal error whose reference the log carries when formatting the error itself fails', () => {
    const { format, lines } = formatterWithLog();
    const unreadable = problem('email');
    Object.defineProperty(unreadable, 'constraints', { get: () => { throw new TypeError('unreadable constraints'); } });
    const answer = formatThrown(format, new ArgumentValidationError([unreadable]));
    expect(answer.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reference: expect.any(String) });
    expect(answer.path).toEqual(['requestDemo']);
    expect(lines).toContainEqual(expect.objectContaining({ reference: answer.extensions?.reference, err: expect.objectContaining({ message: 'unreadable constraints' }) }));
  });
});
