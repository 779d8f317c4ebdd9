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

/** Structured JSON logs; never log request bodies or patient data. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
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
