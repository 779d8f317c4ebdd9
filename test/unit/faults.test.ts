import { databaseFault } from '../../src/db/faults';

describe('database faults', () => {
  it.each(['08006', '08003', '57P01', '53300', 'ECONNREFUSED'])('%s: the database is unavailable', (code) => {
    expect(databaseFault({ code })?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('57014: a statement cancelled by its timeout', () => {
    expect(databaseFault({ code: '57014' })?.code).toBe('REQUEST_TIMEOUT');
  });

  it('08P01 (protocol violation) is a malformed request, not an unavailable database', () => {
    expect(databaseFault({ code: '08P01' })).toBeUndefined();
    expect(databaseFault(new Error('wrapped', { cause: { code: '08P01' } }))).toBeUndefined();
  });
});
