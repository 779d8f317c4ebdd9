import { differingBuckets, summarise, type Digest, type TableSummary } from './digest';
import type { PlacementIo } from './placement-io';
import type { TenantTable } from './tables';

/** Rows a sync wrote to the target. */
export interface SyncStats {
  inserted: number;
  updated: number;
  deleted: number;
}

/** What a sync wrote, and the source's digests it compared against (final when the source is held). */
export interface SyncResult extends SyncStats {
  sourceDigests: Map<string, Digest>;
}

/** The copy did not come out identical; nothing was switched. */
export class TransferMismatchError extends Error {
  constructor(readonly tables: string[]) {
    super(`Row counts or checksums differ after the copy in: ${tables.join(', ')}`);
    this.name = 'TransferMismatchError';
  }
}

/**
 * Makes the hospital's rows in `target` equal to those in `source`, table by table in foreign-key
 * order: an empty target table is streamed in whole; otherwise only the buckets whose digests differ
 * are compared row by row, and just the rows that were added, changed or removed are written. So the
 * first pass copies everything while the hospital keeps serving, and a later pass (under the hold)
 * moves only what changed meanwhile.
 */
export async function syncPlacements(source: PlacementIo, target: PlacementIo, tables: TenantTable[], onTable: (table: string, stats: SyncStats) => void = () => undefined): Promise<SyncResult> {
  const total: SyncStats = { inserted: 0, updated: 0, deleted: 0 };
  const sourceDigests = new Map<string, Digest>();
  const deletions: [TenantTable, string[]][] = [];
  for (const table of tables) {
    const stats: SyncStats = { inserted: 0, updated: 0, deleted: 0 };
    // Both sides are on their own connections: digest them at the same time.
    const [from, to] = await Promise.all([source.digest(table), target.digest(table)]);
    sourceDigests.set(table.name, from);
    const buckets = differingBuckets(from, to);
    if (buckets.length > 0 && (to.size === 0 || table.primaryKey.length === 0)) {
      if (to.size > 0) {
        stats.deleted += summarise(table.name, to).rows;
        await target.clear([table]);
      }
      for await (const batch of source.rows(table)) {
        await target.insert(table, batch);
        stats.inserted += batch.length;
      }
    } else if (buckets.length > 0) {
      const [want, have] = [await source.keyHashes(table, buckets), await target.keyHashes(table, buckets)];
      const added = [...want.keys()].filter((k) => !have.has(k));
      const changed = [...want.keys()].filter((k) => have.has(k) && have.get(k) !== want.get(k));
      const removed = [...have.keys()].filter((k) => !want.has(k));
      if (added.length) await target.insert(table, await source.rowsByKeys(table, added));
      if (changed.length) await target.update(table, await source.rowsByKeys(table, changed));
      if (removed.length) deletions.push([table, removed]);
      Object.assign(stats, { inserted: added.length, updated: changed.length, deleted: removed.length });
    }
    total.inserted += stats.inserted;
    total.updated += stats.updated;
    total.deleted += stats.deleted;
    onTable(table.name, stats);
  }
  for (const [table, keys] of deletions.reverse()) await target.delete(table, keys);
  if (total.inserted > 0) await target.advanceSequences(tables);
  return { ...total, sourceDigests };
}

/** Row counts and checksums of the hospital in `io`, per table. */
export async function summariseAll(io: PlacementIo, tables: TenantTable[]): Promise<TableSummary[]> {
  const summaries: TableSummary[] = [];
  for (const table of tables) summaries.push(summarise(table.name, await io.digest(table)));
  return summaries;
}

/** Throws TransferMismatchError unless both sides have the same counts and checksums everywhere. */
export function assertSameSummaries(expected: TableSummary[], actual: TableSummary[]): void {
  const found = new Map(actual.map((s) => [s.table, s]));
  const differing = expected
    .filter((s) => found.get(s.table)?.rows !== s.rows || found.get(s.table)?.checksum !== s.checksum)
    .map((s) => s.table);
  const extra = actual.filter((s) => !expected.some((e) => e.table === s.table) && s.rows > 0).map((s) => s.table);
  if (differing.length + extra.length > 0) throw new TransferMismatchError([...differing, ...extra]);
}
