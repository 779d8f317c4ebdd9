import { DriverException } from '@mikro-orm/core';
import { databaseFault, fromDatabase, noAnswer, poolTimedOut, rejectedPasswordUser, ServerNotAnsweringError } from '../../src/db/faults';

describe('database faults', () => {
  it.each(['08006', '08003', '57P01', '53300', 'ECONNREFUSED'])('%s: the database is unavailable', (code) => {
    expect(databaseFault({ code })?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('57014: a statement cancelled by its timeout', () => {
    expect(databaseFault({ code: '57014' })?.code).toBe('REQUEST_TIMEOUT');
  });

  it('28P01: a password the server refused is the database unavailable, naming the user it refused', () => {
    const refused = new Error('wrapped', { cause: { code: '28P01', message: 'password authentication failed for user "sovereign_app"' } });
    expect(databaseFault(refused)?.code).toBe('SERVICE_UNAVAILABLE');
    expect(rejectedPasswordUser(refused)).toBe('sovereign_app');
    expect(rejectedPasswordUser({ code: '57P01' })).toBeUndefined();
  });

  it('08P01 (protocol violation) is a malformed request, not an unavailable database', () => {
    expect(databaseFault({ code: '08P01' })).toBeUndefined();
    expect(databaseFault(new Error('wrapped', { cause: { code: '08P01' } }))).toBeUndefined();
  });
});

describe('a pool that had no connection to give', () => {
  it.each([
    ['the pool timeout itself', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' })],
    ['the pool timeout under a statement', new Error('select 1 - Knex: Timeout acquiring a connection. The pool is probably full.')],
    ['the pool timeout wrapped', new Error('wrapped', { cause: { name: 'KnexTimeoutError' } })],
  ])('%s timed out waiting', (_name, error) => {
    expect(poolTimedOut(error)).toBe(true);
  });

  it.each([
    ['a terminated connection', new Error('BEGIN; - Connection terminated unexpectedly')],
    ['a terminated backend', { code: '57P01' }],
    ['a refused connection', { code: 'ECONNREFUSED' }],
  ])('%s did not', (_name, error) => {
    expect(databaseFault(error)?.code).toBe('SERVICE_UNAVAILABLE');
    expect(poolTimedOut(error)).toBe(false);
  });
});

describe('errors from the database', () => {
  it('a statement the database refused, or a fault reaching it, came from the database', () => {
    expect(fromDatabase(new DriverException(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })))).toBe(true);
    expect(fromDatabase(new Error('wrapped', { cause: { code: 'ECONNRESET' } }))).toBe(true);
  });

  it('an error of the gateway itself did not', () => {
    expect(fromDatabase(new Error('Patient 1 not found'))).toBe(false);
  });
});

describe('a server that does not answer', () => {
  it.each([
    ['a new connection past its connect timeout', new Error('timeout expired')],
    ['a new connection ended for its connect timeout', new Error('Connection terminated due to connection timeout')],
    ['a statement past its read timeout, under its SQL', new Error('BEGIN; - Query read timeout')],
    ['a wrapped one', new Error('wrapped', { cause: new Error('Query read timeout') })],
  ])('%s did not answer: the database is unavailable', (_what, error) => {
    expect(noAnswer(error)).toBe(true);
    expect(databaseFault(error)?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it.each([
    ['a refused connection', { code: 'ECONNREFUSED' }],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a statement cancelled by its timeout', { code: '57014' }],
    ['a message that only mentions a timeout', new Error('the lock timeout expired for table x')],
  ])('%s was answered', (_what, error) => {
    expect(noAnswer(error)).toBe(false);
  });

  it('a server marked as not answering refuses its requests as the database unavailable', () => {
    expect(databaseFault(new ServerNotAnsweringError('east', 1500))?.code).toBe('SERVICE_UNAVAILABLE');
    expect(new ServerNotAnsweringError('east', 1500).message).toBe('Database server "east" is not answering; the next try is in 2 s');
  });
});
