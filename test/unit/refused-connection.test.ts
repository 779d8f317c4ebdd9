import { refusedConnection } from '../../src/db/refused-connection';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('a connection refused for good at start-up', () => {
  it.each([
    ['3D000', 'database "sovereign" does not exist'],
    ['28P01', 'password authentication failed for user "owner"'],
    ['28000', 'role "owner" does not exist'],
  ])('is %s, with PostgreSQL’s reason', (code, message) => {
    expect(refusedConnection(pgError(code, message))).toEqual({ state: code, reason: message });
    expect(refusedConnection(new Error('wrapped', { cause: pgError(code, message) }))).toEqual({ state: code, reason: message });
  });

  it.each([
    ['a server still starting', pgError('57P03', 'the database system is starting up')],
    ['a server shutting down', pgError('57P01', 'terminating connection due to administrator command')],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a host not known yet', Object.assign(new Error('getaddrinfo ENOTFOUND postgres'), { code: 'ENOTFOUND' })],
  ])('is not %s, which start-up waits for', (_what, error) => {
    expect(refusedConnection(error)).toBeUndefined();
  });
});
