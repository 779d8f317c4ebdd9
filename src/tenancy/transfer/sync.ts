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

/** What one table needs: streamed in whole (after clearing the `cleared` rows the target has), or these keys. */
interface TableDelta {
  table: TenantTable;
  whole: boolean;
  cleared: number;
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Makes the hospital's rows in `target` equal to those in `source`: an empty target table is streamed
 * in whole; otherwise only the buckets whose digests differ are compared row by row, and just the rows
 * that were added, changed or removed are written. So the first pass copies everything while the
 * hospital keeps serving, and a later pass (under the hold) moves only what changed meanwhile.
 * Removed rows go first (children before parents), then changed rows are updated and added ones
 * inserted (parents before children): a unique value freed meanwhile (an API key revoked and created
 * again under its name, an email or MRN given up and reused) is free in the target before it is taken.
 */
export async function syncPlacements(source: PlacementIo, target: PlacementIo, tables: TenantTable[], onTable: (table: string, stats: SyncStats) => void = () => undefined): Promise<SyncResult> {
  const sourceDigests = new Map<string, Digest>();
  const deltas: TableDelta[] = [];
  for (const table of tables) {
    // Both sides are on their own connections: digest them at the same time.
    const [from, to] = await Promise.all([source.digest(table), target.digest(table)]);
    sourceDigests.set(table.name, from);
    const buckets = differingBuckets(from, to);
    const delta: TableDelta = { table, whole: false, cleared: 0, added: [], changed: [], removed: [] };
    deltas.push(delta);
    if (buckets.length > 0 && (to.size === 0 || table.primaryKey.length === 0)) {
      Object.assign(delta, { whole: true, cleared: to.size > 0 ? summarise(table.name, to).rows : 0 });
    } else if (buckets.length > 0) {
      const [want, have] = [await source.keyHashes(table, buckets), await target.keyHashes(table, buckets)];
      delta.added = [...want.keys()].filter((k) => !have.has(k));
      delta.changed = [...want.keys()].filter((k) => have.has(k) && have.get(k) !== want.get(k));
      delta.removed = [...have.keys()].filter((k) => !want.has(k));
    }
  }
  for (const { table, cleared, removed } of [...deltas].reverse()) {
    if (cleared > 0) await target.clear([table]);
    else if (removed.length) await target.delete(table, removed);
  }
  const total: SyncStats = { inserted: 0, updated: 0, deleted: 0 };
  for (const { table, whole, cleared, added, changed, removed } of deltas) {
    const stats: SyncStats = { inserted: added.length, updated: changed.length, deleted: cleared + removed.length };
    if (whole) {
      for await (const batch of source.rows(table)) {
        await target.insert(table, batch);
        stats.inserted += batch.length;
      }
    }
    if (changed.length) await target.update(table, await source.rowsByKeys(table, changed));
    if (added.length) await target.insert(table, await source.rowsByKeys(table, added));
    total.inserted += stats.inserted;
    total.updated += stats.updated;
    total.deleted += stats.deleted;
    onTable(table.name, stats);
  }
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
