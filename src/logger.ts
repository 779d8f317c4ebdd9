import { DriverException } from '@mikro-orm/core';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Fields of database errors that can carry row values (an MRN in a duplicate-key detail, a query's parameters). */
const ROW_VALUE_FIELDS = ['detail', 'query', 'parameters', 'params', 'where', 'internalQuery', 'hint'];

/**
 * Serialises errors without patient data: a database error keeps its kind, SQL state, table and
 * constraint, but not its message (drivers quote the failing statement and values) nor its detail.
 * An ORM error without a SQL state (a connection lost mid-statement) keeps only the driver's own
 * words, which MikroORM puts after the statement.
 */
export function safeErrorSerializer(error: unknown): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const e = error as Record<string, unknown> | null;
  if (!e || typeof e !== 'object') return serialized;
  const sqlState = e.sqlState ?? (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined);
  if (sqlState === undefined && !(error instanceof DriverException)) return serialized;
  for (const field of ROW_VALUE_FIELDS) delete serialized[field];
  serialized.message =
    sqlState === undefined
      ? `${String(e.name)} (${String(e.message).split(' - ').pop()})`
      : `${String(e.name ?? 'DatabaseError')} (SQL state ${String(sqlState)}${e.constraint ? `, constraint ${String(e.constraint)}` : ''})`;
  serialized.stack = typeof serialized.stack === 'string' ? serialized.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n') : undefined;
  return serialized;
}

/** How long a stopping process waits for its last log lines to be written before it drops them. */
const FLUSH_GIVE_UP_MS = 2_000;

/**
 * Standard output as pino writes it by default (sonic-boom, asynchronous), except that a write error
 * ends logging instead of the process: once stdout is gone (EIO when the terminal running the gateway
 * has closed), the lines not yet written and every later one are dropped. Left to pino, such an error
 * is an uncaught exception, and on exit sonic-boom retries the unwritten lines for ever (pino only
 * drops output on EPIPE). `flush(done)` calls `done` once every line given is written or dropped.
 */
function stdoutDestination(): DestinationStream & { flush(done: () => void): void } {
  const stdout = pino.destination({ dest: 1, sync: false });
  let open = true;
  let given = 0;
  let written = 0;
  let waiting: (() => void)[] = [];
  const settle = () => {
    if (open && written < given) return;
    for (const done of waiting) done();
    waiting = [];
  };
  const drop = () => {
    if (!open) return;
    open = false;
    stdout.destroy(); // drops what it holds, and nothing is retried on exit
    settle();
  };
  stdout.prependListener('error', drop); // before pino's own listener, which hides EPIPE
  stdout.on('write', (bytes: number) => {
    written += bytes;
    settle();
  });
  return {
    write(line: string) {
      if (!open) return;
      given += Buffer.byteLength(line);
      stdout.write(line);
    },
    flush(done: () => void) {
      const giveUp = setTimeout(drop, FLUSH_GIVE_UP_MS); // a reader that stopped reading
      waiting.push(() => {
        clearTimeout(giveUp);
        done();
      });
      settle();
    },
  };
}

/** Structured JSON logs (to stdout unless `destination` is given); never log request bodies or patient data. */
export function createLogger(level: string, destination: DestinationStream = stdoutDestination()): Logger {
  return pino(
    {
      level,
      base: { service: 'sovereign' },
      redact: ['req.headers.authorization', 'password', '*.password'],
      serializers: { err: safeErrorSerializer },
    },
    destination,
  );
}
