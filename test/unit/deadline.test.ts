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

describe('database faults', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'SERVICE_UNAVAILABLE'],
    ['a server shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), 'SERVICE_UNAVAILABLE'],
    ['a server starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' }), 'SERVICE_UNAVAILABLE'],
    ['a lost connection (SQL first, as MikroORM words it)', new Error('select 1 - Connection terminated unexpectedly'), 'SERVICE_UNAVAILABLE'],
    ['a pool that cannot hand out a connection', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }), 'SERVICE_UNAVAILABLE'],
    ['a cancelled statement', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), 'REQUEST_TIMEOUT'],
    ['a wrapped fault', new Error('commit failed', { cause: Object.assign(new Error('x'), { code: '08006' }) }), 'SERVICE_UNAVAILABLE'],
  ])('maps %s to a coded error', (_what, error, code) => {
    expect(databaseFault(error)?.code).toBe(code);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a programming error', new TypeError('x is undefined')],
  ])('leaves %s alone', (_what, error) => {
    expect(databaseFault(error)).toBeUndefined();
  });
});
