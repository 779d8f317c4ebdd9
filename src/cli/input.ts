import { createInterface } from 'node:readline';
import { BadInputError } from '../errors';
import { Isolation, Plan } from '../tenancy';

/** The first line of standard input (a password piped in, never on the command line). */
export async function readSecret(): Promise<string> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.replace(/\r$/, '');
  }
  throw BadInputError.forFields({ stdin: 'no password given on standard input' });
}

export function parseIsolation(value: string): Isolation {
  const upper = value.trim().toUpperCase();
  if (!(upper in Isolation)) throw BadInputError.forFields({ isolation: 'must be SHARED, SCHEMA or DATABASE' });
  return upper as Isolation;
}

export function parsePlan(value: string): Plan {
  const upper = value.trim().toUpperCase();
  if (!(upper in Plan)) throw BadInputError.forFields({ plan: 'must be TRIAL, BASIC, PROFESSIONAL or ENTERPRISE' });
  return upper as Plan;
}

/** An optional whole number from text ('' → null). */
export function parseLimit(field: string, value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw BadInputError.forFields({ [field]: 'must be a whole number, 0 or more' });
  return n;
}
