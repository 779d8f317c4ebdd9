import { PostgreSqlExceptionConverter } from '@mikro-orm/postgresql';
import { databaseFault } from '../../src/db/faults';
import { Deadline } from '../../src/deadline';
import { UnavailableError } from '../../src/errors';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('request deadline', () => {
  it('refuses new work once passed', async () => {
    expect(() => Deadline.after(60_000).check()).not.toThrow();
    const deadline = Deadline.after(1);
    await pause(10);
    expect(deadline.remainingMs()).toBe(0);
    expect(() => deadline.check()).toThrow(UnavailableError);
    expect(deadline.expired).toBe(true);
  });

  it('cannot expire a request that started finishing on time (its commit is not answered as timed out)', () => {
    const deadline = Deadline.after(60_000);
    expect(deadline.finish()).toBe(true);
    expect(deadline.expire()).toBe(false);
    expect(deadline.finish()).toBe(true);
  });

  it('cannot finish (commit) a request once expired, even before its time by the clock', () => {
    const deadline = Deadline.after(60_000);
    expect(deadline.expire()).toBe(true);
    expect(deadline.finish()).toBe(false);
    expect(deadline.expired).toBe(true);
  });

  it('cannot finish a request past its time though the timer has not fired yet', async () => {
    const deadline = Deadline.after(5);
    await pause(10);
    expect(deadline.finish()).toBe(false);
    expect(deadline.expire()).toBe(true);
  });
});

/** A driver error as MikroORM reports it (knex puts the SQL first). */
const converted = (error: Error) => new PostgreSqlExceptionConverter().convertException(error);

describe('database faults', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'SERVICE_UNAVAILABLE'],
    ['a server shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), 'SERVICE_UNAVAILABLE'],
    ['a server starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' }), 'SERVICE_UNAVAILABLE'],
    ['a lost connection (SQL first, as MikroORM words it)', new Error('select 1 - Connection terminated unexpectedly'), 'SERVICE_UNAVAILABLE'],
    ['a pool that cannot hand out a connection', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }), 'SERVICE_UNAVAILABLE'],
    ['a cancelled statement', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), 'REQUEST_TIMEOUT'],
    ['a wrapped fault', new Error('commit failed', { cause: Object.assign(new Error('x'), { code: '08006' }) }), 'SERVICE_UNAVAILABLE'],
    ['a BEGIN cut off by a terminated backend (converted by the ORM)', converted(Object.assign(new Error('BEGIN; - terminating connection due to administrator command'), { code: '57P01' })), 'SERVICE_UNAVAILABLE'],
    ['a BEGIN cut off by a closed connection (converted by the ORM)', converted(new Error('BEGIN; - Connection terminated unexpectedly')), 'SERVICE_UNAVAILABLE'],
    ['a BEGIN cut off by a reset socket (converted by the ORM)', converted(Object.assign(new Error('BEGIN; - read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' })), 'SERVICE_UNAVAILABLE'],
    ['a COMMIT on a client whose connection failed', new Error('COMMIT; - Client has encountered a connection error and is not queryable'), 'SERVICE_UNAVAILABLE'],
  ])('maps %s to a coded error', (_what, error, code) => {
    expect(databaseFault(error)?.code).toBe(code);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a programming error', new TypeError('x is undefined')],
    // Each of these is the gateway's own doing, not the server's: a statement sent after its
    // transaction ended, a client or a pool used after the gateway closed it.
    ['a statement after the transaction ended', new Error('select 1 - Transaction query already complete, run with DEBUG=knex:tx for more info')],
    ['a client closed by the gateway', new Error('Client was closed and is not queryable')],
    ['a pool ended by the gateway', new Error('Cannot use a pool after calling end on the pool')],
  ])('leaves %s alone', (_what, error) => {
    expect(databaseFault(error)).toBeUndefined();
  });
});
