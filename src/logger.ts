import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; never log request bodies or patient data. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'sovereign' }, redact: ['req.headers.authorization', 'password', '*.password'] });
}
