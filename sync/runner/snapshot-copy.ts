/**
 * The initial copy of `strangler sync`: every table of the opened snapshot, chunk by chunk, each
 * chunk one target transaction with the table's progress (resumable by chunk). A table whose
 * mapping lets COPY text pass through unparsed (PgSink.snapshotPassThrough) streams raw chunks;
 * the others, and a table whose raw COPY met an existing row, take the mapped path
 * (PgSink.applySnapshot). Either way the next chunk is read from the source while the current
 * one is written to the target.
 */
import type { Row } from '../change.js';
import type { PgSink } from '../sink/pg-sink.js';
import type { OpenedSnapshot, SnapshotProgress, SnapshotTableReader } from '../source/index.js';

export interface SnapshotCopyOptions {
  /** Called after each committed chunk with its row count. */
  onRows?: (rows: number) => void;
  /** Checked after each chunk: true stops the copy (it throws; the copy resumes on the next start). */
  stopping?: () => boolean;
}

export interface SnapshotCopyStats {
  rows: number;
  /** Tables (source `schema.table`) copied through the pass-through. */
  passThrough: string[];
}

export async function copySnapshot(
  snapshot: OpenedSnapshot,
  sink: PgSink,
  progress: SnapshotProgress,
  options: SnapshotCopyOptions = {},
): Promise<SnapshotCopyStats> {
  const stats: SnapshotCopyStats = { rows: 0, passThrough: [] };
  const committed = (rows: number): void => {
    stats.rows += rows;
    options.onRows?.(rows);
    if (options.stopping?.()) throw new Error('stopped during the initial copy (it resumes on the next start)');
  };
  for (const table of snapshot.tables) {
    const state = progress[table.name];
    if (state?.done) continue;
    let after = state?.afterKey;
    const raw = await passThrough(table, sink, after);
    if (raw.finished) {
      stats.passThrough.push(table.name);
      continue;
    }
    after = raw.after;
    await mappedCopy(table, sink, after, committed);
  }
  return stats;

  /** Raw chunks while the sink accepts them; `finished` false: continue the mapped way after `after`. */
  async function passThrough(
    table: SnapshotTableReader,
    target: PgSink,
    afterKey: Row | undefined,
  ): Promise<{ finished: boolean; after: Row | undefined }> {
    if (table.info.snapshotKey.length === 0) return { finished: false, after: afterKey };
    const pass = await target.snapshotPassThrough(table.name, table.info.relation, await table.columnTypes(), table.info.snapshotKey);
    if (!pass) return { finished: false, after: afterKey };
    let after = afterKey;
    let next = table.readRaw(pass.select, pass.keyFields, after);
    for (;;) {
      const chunk = await next;
      if (!chunk.done) {
        next = table.readRaw(pass.select, pass.keyFields, chunk.lastKey);
        // A failed read surfaces when it is awaited; never leave it unobserved.
        next.catch(() => undefined);
      }
      let applied: boolean;
      try {
        applied = await target.applyRawSnapshot({
          table: table.name,
          pass,
          data: chunk.data,
          rows: chunk.rows,
          lastKey: chunk.lastKey,
          tableDone: chunk.done,
        });
      } catch (error) {
        if (!chunk.done) await next.catch(() => undefined);
        throw error;
      }
      if (!applied) {
        // The source connection must be idle before the mapped path reads this chunk again.
        if (!chunk.done) await next.catch(() => undefined);
        return { finished: false, after };
      }
      committed(chunk.rows);
      if (chunk.done) return { finished: true, after: chunk.lastKey };
      after = chunk.lastKey;
    }
  }
}

async function mappedCopy(
  table: SnapshotTableReader,
  sink: PgSink,
  afterKey: Row | undefined,
  committed: (rows: number) => void,
): Promise<void> {
  const chunks = table.read(afterKey)[Symbol.asyncIterator]();
  let next = chunks.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    const batch = current.value;
    next = chunks.next();
    next.catch(() => undefined);
    await sink.applySnapshot({
      table: table.name,
      events: batch.events,
      lastKey: batch.lastKey,
      tableDone: batch.tableDone,
    });
    committed(batch.events.length);
  }
}
