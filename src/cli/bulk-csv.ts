import { CsvError, parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';

/** The columns of a bulk-creation file, each exactly once, in any order. */
export const BULK_COLUMNS = ['name', 'subdomain', 'plan_type', 'contact_email', 'max_assets', 'max_users'] as const;
export type BulkRow = Record<(typeof BULK_COLUMNS)[number], string>;

/** One row of the file (its line: where it ends), to create or refused as it stands. */
export type BulkLine = { line: number; row: BulkRow } | { line: number; slug: string; problem: string };

/** The file as a whole cannot be used (no header, a wrong one, no rows): nothing is created. */
export class BulkFileError extends Error {}

const listed = (names: string[]) => [...new Set(names)].map((n) => n || '(empty)').join(', ');

/** The header as the parser's column names, or BulkFileError saying what is wrong with it. */
function checkHeader(header: string[]): string[] {
  const known = new Set<string>(BULK_COLUMNS);
  const missing = BULK_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !known.has(c));
  const repeated = header.filter((c, i) => known.has(c) && header.indexOf(c) !== i);
  const problems = [
    missing.length > 0 ? `missing column(s) ${listed(missing)}` : '',
    unknown.length > 0 ? `unknown column(s) ${listed(unknown)}` : '',
    repeated.length > 0 ? `column(s) ${listed(repeated)} given more than once` : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new BulkFileError(`${problems.join('; ')}; expected ${BULK_COLUMNS.join(',')}`);
  return header;
}

/** A row the parser refused (a field count unlike the header's, a broken quote), with its line. */
function refusedRow(error: CsvError, header: string[] | undefined): BulkLine {
  const fields = (error as CsvError & { record?: string[] }).record;
  const slug = fields?.[header?.indexOf('subdomain') ?? -1]?.trim() ?? '';
  const problem = error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ? `has ${fields?.length} fields, the header ${header?.length}` : error.message;
  return { line: (error as CsvError & { lines: number }).lines, slug, problem };
}

/**
 * Reads a bulk-creation CSV file: a header naming BULK_COLUMNS, then one hospital per row. A row the
 * parser cannot take as it stands (more or fewer fields than the header) is returned refused, with its
 * line, so the command goes on past it; a problem with the file as a whole throws BulkFileError.
 */
export function readBulkCsv(file: string): BulkLine[] {
  let header: string[] | undefined;
  const refused: BulkLine[] = [];
  const records = parse(readFileSync(file), {
    columns: (names: string[]) => (header = checkHeader(names)),
    info: true,
    trim: true,
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => void refused.push(refusedRow(error as CsvError, header)),
  }) as { record: BulkRow; info: { lines: number } }[];
  if (!header) throw new BulkFileError(`the file is empty; expected a header line ${BULK_COLUMNS.join(',')}`);
  if (records.length + refused.length === 0) throw new BulkFileError('no hospital rows after the header');
  return [...records.map(({ record, info }) => ({ line: info.lines, row: record })), ...refused].sort((a, b) => a.line - b.line);
}
