/**
 * The sink's own tables in the target, schema `strangler_sync`: the checkpoint (the commit LSN
 * of the last applied source transaction, written in the same transaction as the rows) and the
 * snapshot progress (last key copied per source table, so an initial copy resumes by chunk).
 */
import type pg from 'pg';
import { formatLsn, parseLsn, type Lsn, type Row } from '../change.js';

export const BOOKKEEPING_DDL = [
  'CREATE SCHEMA IF NOT EXISTS strangler_sync',
  `CREATE TABLE IF NOT EXISTS strangler_sync.checkpoint (
     slot_name text PRIMARY KEY,
     commit_lsn pg_lsn NOT NULL,
     tx_id bigint,
     transactions bigint NOT NULL DEFAULT 0,
     applied_at timestamptz NOT NULL DEFAULT now())`,
  // A resumed initial copy: stream transactions committed below this LSN may find their rows
  // already changed or gone in the copied rows (tables made by an older version get the column).
  'ALTER TABLE strangler_sync.checkpoint ADD COLUMN IF NOT EXISTS overlap_until pg_lsn',
  `CREATE TABLE IF NOT EXISTS strangler_sync.snapshot_progress (
     slot_name text NOT NULL,
     source_table text NOT NULL,
     last_key jsonb,
     rows bigint NOT NULL DEFAULT 0,
     done boolean NOT NULL DEFAULT false,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (slot_name, source_table))`,
  // The source columns as the rows last applied carried them (planner.ts: a dropped or retyped column is never silent).
  `CREATE TABLE IF NOT EXISTS strangler_sync.source_columns (
     source_table text NOT NULL,
     target_table text NOT NULL,
     columns jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (source_table, target_table))`,
];

export interface SnapshotProgress {
  /** `schema.table` of the source. */
  table: string;
  /** The source key of the last row copied (column -> text), or null before the first chunk. */
  lastKey: Row | null;
  rows: number;
  done: boolean;
}

export interface CheckpointRow {
  lsn: Lsn;
  /** Set when the initial copy was resumed after a crash: see BOOKKEEPING_DDL. */
  overlapUntil: Lsn | undefined;
  txId: number | null;
  transactions: number;
  appliedAt: Date;
}

export async function ensureBookkeeping(client: pg.ClientBase): Promise<void> {
  // Two processes creating the schema at once would race on the catalog: serialise on a lock.
  await client.query('SELECT pg_advisory_lock(hashtext($1))', ['strangler_sync.bookkeeping']);
  try {
    for (const statement of BOOKKEEPING_DDL) await client.query(statement);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['strangler_sync.bookkeeping']);
  }
}

export async function readCheckpoint(client: pg.ClientBase, slot: string): Promise<CheckpointRow | undefined> {
  const result = await client.query<{
    commit_lsn: string;
    overlap_until: string | null;
    tx_id: string | null;
    transactions: string;
    applied_at: Date;
  }>('SELECT commit_lsn::text, overlap_until::text, tx_id, transactions, applied_at FROM strangler_sync.checkpoint WHERE slot_name = $1', [
    slot,
  ]);
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    lsn: parseLsn(row.commit_lsn),
    overlapUntil: row.overlap_until === null ? undefined : parseLsn(row.overlap_until),
    txId: row.tx_id === null ? null : Number(row.tx_id),
    transactions: Number(row.transactions),
    appliedAt: row.applied_at,
  };
}

/** The checkpoint at the end of the initial copy (with the overlap mark of a resumed copy, or none). */
export async function writeCheckpoint(
  client: pg.ClientBase,
  slot: string,
  lsn: Lsn,
  txId: number,
  transactions: number,
  overlapUntil?: Lsn,
): Promise<void> {
  await client.query({
    name: 'strangler_sync_checkpoint',
    text: `INSERT INTO strangler_sync.checkpoint (slot_name, commit_lsn, tx_id, transactions, applied_at, overlap_until) VALUES ($1, $2::pg_lsn, $3, $4, now(), $5::pg_lsn)
           ON CONFLICT (slot_name) DO UPDATE SET commit_lsn = EXCLUDED.commit_lsn, tx_id = EXCLUDED.tx_id,
             transactions = strangler_sync.checkpoint.transactions + EXCLUDED.transactions, applied_at = EXCLUDED.applied_at,
             overlap_until = EXCLUDED.overlap_until`,
    values: [slot, formatLsn(lsn), txId, transactions, overlapUntil === undefined ? null : formatLsn(overlapUntil)],
  });
}

/**
 * The checkpoint write and the COMMIT in one simple-query message (one round trip instead of
 * two). Values are inlined: the slot name is quoted, the LSN is hex digits, the rest integers.
 * If the INSERT fails, PostgreSQL skips the COMMIT and the transaction stays aborted.
 */
export function checkpointAndCommitSql(slot: string, lsn: Lsn, txId: number, transactions: number): string {
  const literal = `'${slot.replace(/'/g, "''")}'`;
  return (
    `INSERT INTO strangler_sync.checkpoint (slot_name, commit_lsn, tx_id, transactions, applied_at) VALUES (${literal}, '${formatLsn(lsn)}'::pg_lsn, ${Math.trunc(txId)}, ${Math.trunc(transactions)}, now()) ` +
    'ON CONFLICT (slot_name) DO UPDATE SET commit_lsn = EXCLUDED.commit_lsn, tx_id = EXCLUDED.tx_id, ' +
    'transactions = strangler_sync.checkpoint.transactions + EXCLUDED.transactions, applied_at = EXCLUDED.applied_at; COMMIT'
  );
}

export async function writeSnapshotProgress(client: pg.ClientBase, slot: string, progress: SnapshotProgress): Promise<void> {
  await client.query({
    name: 'strangler_sync_snapshot_progress',
    text: `INSERT INTO strangler_sync.snapshot_progress (slot_name, source_table, last_key, rows, done, updated_at) VALUES ($1, $2, $3::jsonb, $4, $5, now())
           ON CONFLICT (slot_name, source_table) DO UPDATE SET last_key = EXCLUDED.last_key,
             rows = strangler_sync.snapshot_progress.rows + EXCLUDED.rows, done = EXCLUDED.done, updated_at = now()`,
    values: [slot, progress.table, progress.lastKey === null ? null : JSON.stringify(progress.lastKey), progress.rows, progress.done],
  });
}

export async function readSnapshotProgress(client: pg.ClientBase, slot: string): Promise<SnapshotProgress[]> {
  const result = await client.query<{ source_table: string; last_key: Row | null; rows: string; done: boolean }>(
    'SELECT source_table, last_key, rows, done FROM strangler_sync.snapshot_progress WHERE slot_name = $1 ORDER BY source_table',
    [slot],
  );
  return result.rows.map((row) => ({ table: row.source_table, lastKey: row.last_key, rows: Number(row.rows), done: row.done }));
}

export async function clearBookkeeping(client: pg.ClientBase, slot: string): Promise<void> {
  const exists = await client.query<{ present: boolean }>("SELECT to_regclass('strangler_sync.checkpoint') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return;
  await client.query('DELETE FROM strangler_sync.checkpoint WHERE slot_name = $1', [slot]);
  await client.query('DELETE FROM strangler_sync.snapshot_progress WHERE slot_name = $1', [slot]);
}
