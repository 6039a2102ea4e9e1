/**
 * What one target transaction of the PgSink has written so far (source transactions, parts,
 * statements, the next checkpoint), and the snapshot progress its snapshot reads carry.
 */
import type { Lsn, Row, SourceTransaction } from '../change.js';
import type { SnapshotProgress } from './bookkeeping.js';
import type { OperationWriter } from './execute.js';

/** What one target transaction has written so far. */
export interface ApplyState {
  next: Lsn | undefined;
  lastTx: SourceTransaction | undefined;
  /** Streamed (not snapshot) source transactions ended in it. */
  streamed: number;
  transactions: number;
  events: number;
  statements: number;
  copies: number;
  parts: number;
  progress: Map<string, SnapshotProgress>;
  /** Kept across applyStream calls, so a COPY stays open while parts arrive. */
  writer?: OperationWriter;
}

export function newState(checkpoint: Lsn | undefined): ApplyState {
  return {
    next: checkpoint,
    lastTx: undefined,
    streamed: 0,
    transactions: 0,
    events: 0,
    statements: 0,
    copies: 0,
    parts: 0,
    progress: new Map(),
  };
}

export function trackSnapshot(
  progress: Map<string, SnapshotProgress>,
  schema: string,
  table: string,
  marker: 'true' | 'last' | 'false',
  after: Row | null,
  relation: { columns: readonly { name: string; isKey: boolean }[] },
): void {
  const name = `${schema}.${table}`;
  const entry = progress.get(name) ?? { table: name, lastKey: null, rows: 0, done: false };
  entry.rows++;
  if (after) {
    const key: Row = {};
    for (const column of relation.columns) if (column.isKey) key[column.name] = after[column.name] ?? null;
    entry.lastKey = key;
  }
  if (marker === 'last') entry.done = true;
  progress.set(name, entry);
}
