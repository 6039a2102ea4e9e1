/**
 * The seam between the change source (capture) and the sink (apply): a stream of source
 * transactions plus a channel of acknowledgements (zero-cache's change source is the model).
 *
 * Values travel as PostgreSQL text output (exact: numeric, timestamptz to the microsecond,
 * json/jsonb, arrays, bytea in hex, enums), never parsed into JS numbers or Dates.
 * An unchanged TOAST column is not a value: it is listed in `unchangedToast` and absent from
 * `after` (pgoutput sends 'u' for it; PostgreSQL docs, "Logical Replication Message Formats",
 * TupleData).
 */

/** A WAL position (PostgreSQL docs, "pg_lsn Type"): 64 bits, shown as `X/Y` in hex. */
export type Lsn = bigint;

export function parseLsn(text: string): Lsn {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) throw new RangeError(`not an LSN: ${JSON.stringify(text)} (expected X/Y in hex, e.g. 0/16B3748)`);
  return (BigInt(`0x${match[1] ?? '0'}`) << 32n) | BigInt(`0x${match[2] ?? '0'}`);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export interface RelationColumn {
  name: string;
  /** pg_type oid of the column. */
  typeOid: number;
  /** Part of the replica identity (the primary key, usually). */
  isKey: boolean;
}

/** A table as the source describes it (pgoutput Relation message, or the catalog at snapshot time). */
export interface Relation {
  /** The source's relation oid. */
  oid: number;
  schema: string;
  table: string;
  /** 'd' default (primary key), 'n' nothing, 'f' full, 'i' index. */
  replicaIdentity: 'd' | 'n' | 'f' | 'i';
  columns: RelationColumn[];
  /** The columns one event carried (Debezium), maybe not all of the table's: the sink does not check them for dropped or retyped ones. */
  partial?: boolean;
  /**
   * 'connect': the columns and their types come from a Debezium event's Kafka Connect schema, whose
   * types are coarser than PostgreSQL's (a varchar is a string): the sink compares them only with
   * types seen the same way.
   */
  typesFrom?: 'connect';
}

/** Column name -> text value, or null for SQL NULL. */
export type Row = Record<string, string | null>;

/** Debezium's `source` block (the fields the sync uses; Debezium adds more). */
export interface ChangeSourceInfo {
  connector: 'strangler';
  db: string;
  schema: string;
  table: string;
  /** The commit LSN of the transaction, as a number (Debezium's `lsn`). */
  lsn: number;
  txId: number;
  /** Commit time of the source transaction, ms since the epoch. */
  ts_ms: number;
  /** 'true' for rows of the initial snapshot, 'last' for the last one, 'false' when streaming. */
  snapshot: 'true' | 'last' | 'false';
}

/** One change in Debezium's envelope: c create, u update, d delete, r snapshot read, t truncate. */
export interface ChangeEvent {
  op: 'c' | 'u' | 'd' | 'r' | 't';
  /** The old row: the key columns (replica identity default) or the whole row (full); null for c/r/t. */
  before: Row | null;
  /** The new row, without unchanged TOAST columns; null for d/t. */
  after: Row | null;
  source: ChangeSourceInfo;
  /** When the sync saw the change, ms since the epoch. */
  ts_ms: number;
  /** Columns whose value did not change and was not sent (unchanged TOAST): keep the target's. */
  unchangedToast?: string[];
  /** The relation this change belongs to. */
  relation: Relation;
}

/** One committed source transaction, in commit order. */
export interface SourceTransaction {
  xid: number;
  /** The commit record's LSN (Commit message "LSN of the commit"). Checkpoints store this. */
  commitLsn: Lsn;
  /** The end of the commit record (Commit message "end LSN"): what to acknowledge. */
  endLsn: Lsn;
  /** ms since the epoch. */
  commitTime: number;
  /** Relations announced (or re-announced with a changed shape) inside this transaction, before their changes. */
  relations: Relation[];
  changes: ChangeEvent[];
}

/**
 * A source of committed transactions. `acknowledge(lsn)` tells the source that everything up to
 * `lsn` is durably applied in the target (only after the target commit), so the slot may
 * release that WAL. Nothing is acknowledged implicitly.
 */
export interface ChangeSource {
  transactions(): AsyncIterable<SourceTransaction>;
  acknowledge(lsn: Lsn): void;
  stop(): Promise<void>;
}

/** Where applied changes go. `apply` commits the rows and the checkpoint in one target transaction. */
export interface ChangeSink {
  /** The commit LSN of the last source transaction applied, or undefined when nothing was. */
  checkpoint(): Promise<Lsn | undefined>;
  /** Applies the transactions in one target transaction (skipping those at or below the checkpoint) and returns the new checkpoint. */
  apply(transactions: readonly SourceTransaction[]): Promise<Lsn | undefined>;
  close(): Promise<void>;
}
