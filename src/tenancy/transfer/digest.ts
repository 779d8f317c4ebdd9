import { quoteIdent } from '../placement';
import type { TenantTable } from './tables';

/**
 * Order-independent digests of a hospital's rows in one table. Each row's canonical text is its JSON
 * form without `tenant_id` (so a hospital imported under a new id digests the same), hashed with md5;
 * the 128-bit hashes are summed modulo 2^64 per half, so the digest does not depend on row order,
 * physical layout or isolation mode. Rows are grouped into 4096 buckets by key, so two placements can
 * find the few rows that differ without comparing every row.
 */
export type Digest = Map<number, string>;

/** One table's row count and checksum (as in an archive's manifest). */
export interface TableSummary {
  table: string;
  rows: number;
  checksum: string;
}

/** `t`'s row as canonical text (sessions run with timezone UTC so timestamps render the same). */
export const CANONICAL_ROW = `(to_jsonb(t) - 'tenant_id')::text`;

/** `t`'s primary key as JSON text, or its canonical row when it has none. */
export function keyExpression(table: TenantTable): string {
  if (table.primaryKey.length === 0) return CANONICAL_ROW;
  return `jsonb_build_object(${table.primaryKey.map((c) => `'${c}', t.${quoteIdent(c)}`).join(', ')})::text`;
}

/** SQL for the bucket (0–4095) of `t`'s row, from its key, so a changed row keeps its bucket. */
export function bucketExpression(table: TenantTable): string {
  return `('x' || substr(md5(${keyExpression(table)}), 1, 3))::bit(12)::int`;
}

/** The quoted, schema-qualified name of a table. */
export function qualified(schema: string, table: TenantTable): string {
  return `${quoteIdent(schema)}.${quoteIdent(table.name)}`;
}

/** SQL (one `?`: the tenant id) returning bucket, n, a, b per non-empty bucket. */
export function digestSql(schema: string, table: TenantTable): string {
  const half = (from: number) => `('x' || substr(h, ${from}, 16))::bit(64)::bigint::numeric`;
  return `select bucket, count(*)::int as n, sum(${half(1)})::text as a, sum(${half(17)})::text as b
            from (select ${bucketExpression(table)} as bucket, md5(${CANONICAL_ROW}) as h
                    from ${qualified(schema, table)} t where t.tenant_id = ?) r
           group by bucket`;
}

/** A digest from the rows of digestSql. */
export function toDigest(rows: { bucket: number; n: number; a: string; b: string }[]): Digest {
  return new Map(rows.map((r) => [r.bucket, `${r.n}:${r.a}:${r.b}`]));
}

const MOD = 1n << 64n;
const hex64 = (v: bigint) => (((v % MOD) + MOD) % MOD).toString(16).padStart(16, '0');

/** One table's row count and checksum from its digest. */
export function summarise(table: string, digest: Digest): TableSummary {
  let rows = 0;
  let a = 0n;
  let b = 0n;
  for (const value of digest.values()) {
    const [n, x, y] = value.split(':');
    rows += Number(n);
    a += BigInt(x!);
    b += BigInt(y!);
  }
  return { table, rows, checksum: `${hex64(a)}${hex64(b)}` };
}

/** Buckets whose contents differ between two digests. */
export function differingBuckets(a: Digest, b: Digest): number[] {
  const buckets = new Set([...a.keys(), ...b.keys()]);
  return [...buckets].filter((k) => a.get(k) !== b.get(k)).sort((x, y) => x - y);
}
