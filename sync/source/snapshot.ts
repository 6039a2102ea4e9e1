/**
 * The initial snapshot, consistent with the stream.
 *
 * First run: the slot is created with an exported snapshot on a walsender connection, and a
 * normal connection imports it (`BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION
 * SNAPSHOT '<id>'`, PostgreSQL docs "SET TRANSACTION" and "Streaming Replication Protocol",
 * CREATE_REPLICATION_SLOT). It sees exactly the transactions committed before the slot's
 * consistent point; streaming from that point sends exactly the later ones: no gap, no overlap.
 *
 * Resume after a crash mid-snapshot (the slot exists, nothing acknowledged yet): the
 * remaining chunks are read in a fresh REPEATABLE READ snapshot. Streaming still starts at
 * the slot's consistent point, so changes committed between that point and `overlapUntil`
 * may already be contained in the resumed rows; the sink applies them idempotently (upsert
 * and delete by key), which converges to the same state. See README.md.
 *
 * Tables are read in primary-key order, one `COPY (SELECT ... WHERE key > last ORDER BY key
 * LIMIT n) TO STDOUT` per chunk, so a caller that stores each chunk's last key with the rows
 * can resume after it. readRaw() hands a chunk out as the COPY text itself (of a caller's
 * select list), reading only its last row for the key, for the sink's pass-through.
 */
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { StranglerError } from '../../common/errors.js';
import { parseLsn, type ChangeEvent, type ChangeSourceInfo, type Lsn, type Row } from '../change.js';
import { describeTable, qualified, quoteIdent, assertReplicable, type TableInfo, type TableName } from './catalog.js';
import { CopyTextParser, countCopyRows, lastCopyRow } from './copy-text.js';
import { ReplicationConnection, type ConnectionOptions } from './replication-connection.js';
import { assertSlotUsable, querySlot } from './slot-state.js';

export interface SnapshotOptions {
  connection: ConnectionOptions;
  slot: string;
  tables: readonly TableName[];
  /** Rows per chunk (one COPY each, the unit of resumption); default 20,000. */
  chunkRows?: number;
  now?: () => number;
}

export interface SnapshotBatch {
  table: TableInfo;
  /** op 'r' events; source.snapshot is 'true', or 'last' on the very last row of the snapshot. */
  events: ChangeEvent[];
  /** The snapshot key of the last row (store it with the rows to resume after it); undefined for keyless tables. */
  lastKey: Row | undefined;
  /** No more rows for this table after this batch. */
  tableDone: boolean;
  /** The last batch of the whole snapshot. */
  last: boolean;
}

export interface SnapshotTableReader {
  info: TableInfo;
  /** `schema.table` */
  name: string;
  /** The table's chunks after `afterKey` (from the start when undefined). Keyless tables cannot resume. */
  read(afterKey?: Row): AsyncIterable<SnapshotBatch>;
  /** format_type() of each column (with its modifier), by name, as the source declares it. */
  columnTypes(): Promise<Map<string, string>>;
  /**
   * One chunk as raw COPY text of `select` (SQL over the table's columns, in this order), in key
   * order after `afterKey`, without parsing it: only its last row is read, for the key.
   * `keyFields[i]` is the position in `select` of snapshotKey[i]. Keyed tables only.
   */
  readRaw(select: readonly string[], keyFields: readonly number[], afterKey?: Row): Promise<RawSnapshotChunk>;
}

export interface RawSnapshotChunk {
  /** COPY text, complete rows. */
  data: Buffer[];
  rows: number;
  /** The snapshot key of the last row; undefined when the chunk is empty. */
  lastKey: Row | undefined;
  /** No more rows for this table after this chunk. */
  done: boolean;
}

/** Where each table stands when resuming: done, or the last copied key. */
export type SnapshotProgress = Record<string, { done?: boolean; afterKey?: Row }>;

export interface OpenedSnapshot {
  /** 'exported': the slot was just created with this snapshot; 'resumed': a fresh snapshot over an existing slot. */
  mode: 'exported' | 'resumed';
  /** Start streaming here: the slot's consistent point (= its confirmed_flush_lsn until the first acknowledgement). */
  consistentLsn: Lsn;
  /** Resumed only: stream changes committed below this LSN may already be in the resumed rows (apply them idempotently). */
  overlapUntil: Lsn | undefined;
  tables: SnapshotTableReader[];
  /** Every table in order, skipping done ones and resuming after their keys; marks the last row 'last'. */
  batches(progress?: SnapshotProgress): AsyncIterable<SnapshotBatch>;
  /** Ends the snapshot transaction. */
  close(): Promise<void>;
}

export async function openSnapshot(options: SnapshotOptions): Promise<OpenedSnapshot> {
  const now = options.now ?? Date.now;
  const chunkRows = options.chunkRows ?? 20_000;
  const reader = new pg.Client(options.connection);
  reader.on('error', () => undefined);
  await reader.connect();
  let replication: ReplicationConnection | undefined;
  try {
    const existing = await querySlot(reader, options.slot);
    let mode: OpenedSnapshot['mode'];
    let consistentLsn: Lsn;
    let overlapUntil: Lsn | undefined;
    if (!existing.exists) {
      replication = await ReplicationConnection.open(options.connection);
      const created = await replication.createLogicalSlot(options.slot, true);
      if (!created.snapshotName)
        throw new StranglerError('SYNC_SNAPSHOT_FAILED', `Slot "${options.slot}" was created without an exported snapshot.`);
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      await reader.query(`SET TRANSACTION SNAPSHOT '${created.snapshotName.replaceAll("'", "''")}'`);
      // Imported: our transaction holds the snapshot now, the walsender may move on.
      await replication.close();
      replication = undefined;
      mode = 'exported';
      consistentLsn = created.consistentPoint;
    } else {
      assertSlotUsable(existing);
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const position = await reader.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      mode = 'resumed';
      consistentLsn = existing.confirmedFlushLsn ?? 0n;
      overlapUntil = parseLsn(position.rows[0]?.lsn ?? '0/0');
    }
    const meta = await reader.query<{ db: string; xmin: string }>(
      'SELECT current_database() AS db, pg_snapshot_xmin(pg_current_snapshot())::text AS xmin',
    );
    const database = meta.rows[0]?.db ?? '';
    const txId = Number(meta.rows[0]?.xmin ?? 0);
    const startedAt = now();
    const infos: TableInfo[] = [];
    for (const name of options.tables) {
      const info = await describeTable(reader, name);
      assertReplicable(info);
      infos.push(info);
    }
    const tables = infos.map((info) => tableReader(reader, info, chunkRows, { database, txId, lsn: consistentLsn, startedAt, now }));
    return {
      mode,
      consistentLsn,
      overlapUntil,
      tables,
      batches: (progress) => allBatches(tables, progress ?? {}),
      close: async () => {
        await reader.query('COMMIT').catch(() => undefined);
        await reader.end();
      },
    };
  } catch (error) {
    await replication?.close();
    await reader.end().catch(() => undefined);
    throw error;
  }
}

interface SourceContext {
  database: string;
  txId: number;
  lsn: Lsn;
  startedAt: number;
  now: () => number;
}

function literal(value: string | null): string {
  if (value === null) return 'NULL';
  return pg.escapeLiteral(value);
}

function chunkSql(info: TableInfo, afterKey: Row | undefined, chunkRows: number, select?: readonly string[]): string {
  const columns = select ? select.join(', ') : info.relation.columns.map((c) => quoteIdent(c.name)).join(', ');
  // ONLY: a plain table's inheritance children are tables of their own; a partitioned table's rows are all in its partitions.
  const table = `${info.partitioned ? '' : 'ONLY '}${qualified(info.relation)}`;
  if (info.snapshotKey.length === 0) return `COPY (SELECT ${columns} FROM ${table}) TO STDOUT`;
  const key = info.snapshotKey.map(quoteIdent).join(', ');
  const where = afterKey ? ` WHERE (${key}) > (${info.snapshotKey.map((k) => literal(afterKey[k] ?? null)).join(', ')})` : '';
  return `COPY (SELECT ${columns} FROM ${table}${where} ORDER BY ${key} LIMIT ${chunkRows}) TO STDOUT`;
}

function tableReader(client: pg.Client, info: TableInfo, chunkRows: number, context: SourceContext): SnapshotTableReader {
  const name = `${info.relation.schema}.${info.relation.table}`;
  const source: ChangeSourceInfo = {
    connector: 'strangler',
    db: context.database,
    schema: info.relation.schema,
    table: info.relation.table,
    lsn: Number(context.lsn),
    txId: context.txId,
    ts_ms: context.startedAt,
    snapshot: 'true',
  };
  const toEvents = (rows: Array<Array<string | null>>): ChangeEvent[] => {
    const columns = info.relation.columns;
    const seen = context.now();
    return rows.map((fields) => {
      const row: Row = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]?.name ?? ''] = fields[i] ?? null;
      return { op: 'r', before: null, after: row, source, ts_ms: seen, relation: info.relation };
    });
  };
  const keyOf = (event: ChangeEvent | undefined): Row | undefined => {
    if (!event?.after || info.snapshotKey.length === 0) return undefined;
    const key: Row = {};
    for (const column of info.snapshotKey) key[column] = event.after[column] ?? null;
    return key;
  };
  return {
    info,
    name,
    async columnTypes(): Promise<Map<string, string>> {
      const result = await client.query<{ name: string; type: string }>(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped`,
        [info.relation.oid],
      );
      return new Map(result.rows.map((row) => [row.name, row.type]));
    },
    async readRaw(select: readonly string[], keyFields: readonly number[], afterKey?: Row): Promise<RawSnapshotChunk> {
      if (info.snapshotKey.length === 0 || keyFields.length !== info.snapshotKey.length) {
        throw new StranglerError('SYNC_SNAPSHOT_FAILED', `Table ${name}: a raw chunk needs every snapshot key column in its select list.`);
      }
      const data: Buffer[] = [];
      for await (const chunk of client.query(copyStreams.to(chunkSql(info, afterKey, chunkRows, select)))) {
        if (Buffer.isBuffer(chunk)) data.push(chunk);
      }
      const rows = countCopyRows(data);
      const last = lastCopyRow(data);
      let lastKey: Row | undefined;
      if (last) {
        lastKey = {};
        for (let i = 0; i < info.snapshotKey.length; i++) {
          const field = last[keyFields[i] ?? -1];
          lastKey[info.snapshotKey[i] ?? ''] = field === undefined ? null : field;
        }
      }
      return { data, rows, lastKey, done: rows < chunkRows };
    },
    async *read(afterKey?: Row): AsyncIterable<SnapshotBatch> {
      if (afterKey && info.snapshotKey.length === 0) {
        throw new StranglerError(
          'SYNC_SNAPSHOT_NOT_RESUMABLE',
          `Table ${name} has no primary key or replica identity index, so its snapshot cannot resume after a key; empty its target table and copy it again.`,
        );
      }
      let after = afterKey;
      for (;;) {
        const parser = new CopyTextParser();
        const stream = client.query(copyStreams.to(chunkSql(info, after, chunkRows)));
        let events: ChangeEvent[] = [];
        let count = 0;
        for await (const chunk of stream) {
          if (!Buffer.isBuffer(chunk)) continue;
          const rows = parser.push(chunk);
          count += rows.length;
          for (const event of toEvents(rows)) events.push(event);
          // Keyless tables stream in one COPY: hand out batches of chunkRows as they fill.
          if (info.snapshotKey.length === 0 && events.length >= chunkRows) {
            yield { table: info, events, lastKey: undefined, tableDone: false, last: false };
            events = [];
          }
        }
        parser.end();
        const done = info.snapshotKey.length === 0 || count < chunkRows;
        const lastKey = keyOf(events[events.length - 1]);
        if (events.length > 0 || done) yield { table: info, events, lastKey, tableDone: done, last: false };
        if (done) return;
        after = lastKey;
      }
    },
  };
}

/** Reads the tables in order with one batch of look-ahead, so the final batch can be flagged. */
async function* allBatches(tables: SnapshotTableReader[], progress: SnapshotProgress): AsyncIterable<SnapshotBatch> {
  let pending: SnapshotBatch | undefined;
  for (const table of tables) {
    const state = progress[table.name];
    if (state?.done) continue;
    for await (const batch of table.read(state?.afterKey)) {
      if (pending) yield pending;
      pending = batch;
    }
  }
  if (pending) {
    pending.last = true;
    const final = pending.events[pending.events.length - 1];
    if (final) final.source = { ...final.source, snapshot: 'last' };
    yield pending;
  }
}
