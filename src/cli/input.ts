import { createInterface } from 'node:readline';
import { BadInputError } from '../errors';
import { Isolation, Plan } from '../tenancy';
import { limitProblem } from '../tenancy/provisioning';

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

/**
 * An optional per-hospital limit from text ('' → null): decimal digits only, within the catalog's
 * range (the rule provisioning applies).
 */
export function parseLimit(field: string, value: string | undefined): number | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  const n = digits(text);
  const problem = limitProblem(n);
  if (problem) throw BadInputError.forFields({ [field]: problem });
  return n;
}

/**
 * Commander's parser of a per-hospital limit given as `field` to a command that changes one: a number
 * as for parseLimit, or `none` (any case) to clear it, kept as 'none' (commander turns a parser's null
 * into ''). Empty text is refused: it clears nothing.
 */
export function limitChange(field: string): (value: string) => number | 'none' {
  return (value) => {
    const text = value.trim();
    if (text.toLowerCase() === 'none') return 'none';
    const n = digits(text);
    const problem = limitProblem(n);
    if (problem) throw BadInputError.forFields({ [field]: `${problem}, or none` });
    return n;
  };
}

/** Decimal digits only, as a number (Number() would also take `1e3`, `0x10` or `1.0`); NaN for anything else. */
function digits(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Commander's parser of a hospital's slug given as `field`: an empty one names no hospital, so it is bad
 * usage (exit 2) before anything is opened, not an unknown hospital.
 */
export function hospitalSlug(field = 'slug'): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw BadInputError.forFields({ [field]: 'must name a hospital' });
    return value;
  };
}
