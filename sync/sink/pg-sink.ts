/**
 * `ChangeSink` on a target PostgreSQL: each apply() is one target transaction holding the rows
 * of one or more source transactions and the checkpoint (their last commit LSN), so a crash
 * anywhere leaves either all of it or none. Transactions at or below the checkpoint are skipped:
 * after a source crash the slot re-sends acknowledged transactions, and they change nothing.
 * Snapshot reads (op 'r') are upserts; the last key per table goes to snapshot_progress in the
 * same transaction, so an interrupted copy resumes by chunk.
 */
import pg from 'pg';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { formatLsn, type ChangeEvent, type ChangeSink, type Lsn, type Row, type SourceTransaction } from '../change.js';
import type { SchemaChangePolicy, TableMapping } from '../config/schema.js';
import type { TablePlan } from '../mapping/compile.js';
import { toOperations, type PutOperation, type TargetOperation } from '../mapping/operations.js';
import { copyable, copyRows } from './copy-load.js';
import {
  checkpointAndCommitSql,
  clearBookkeeping,
  ensureBookkeeping,
  readCheckpoint,
  readSnapshotProgress,
  writeCheckpoint,
  writeSnapshotProgress,
  type SnapshotProgress,
} from './bookkeeping.js';
import { OperationWriter } from './execute.js';
import { Planner, type SourceColumnType } from './planner.js';

export interface PgSinkOptions {
  url: string;
  slot: string;
  mappings: readonly TableMapping[];
  schemaChange?: SchemaChangePolicy;
  sourceColumnType?: SourceColumnType;
  /** session_replication_role = replica while applying (default true), like PostgreSQL's own apply worker. */
  replicationRole?: boolean;
  connectTimeoutMs?: number;
  logger?: Logger;
}

export interface SnapshotChunk {
  /** `schema.table` of the source. */
  table: string;
  events: readonly ChangeEvent[];
  lastKey: Row | undefined;
  tableDone: boolean;
}

export interface ApplyStats {
  transactions: number;
  skipped: number;
  events: number;
  statements: number;
}

/** A transaction of the initial copy: its rows are reads ('r'). */
export function isSnapshotTransaction(tx: SourceTransaction): boolean {
  return tx.changes.length > 0 && tx.changes.every((change) => change.op === 'r');
}

export class PgSink implements ChangeSink {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private known: Lsn | undefined;
  private knownLoaded = false;
  private readonly planner: Planner;
  /** Per source table: whether its initial copy goes in with COPY (decided at its first chunk). */
  private readonly copyTables = new Map<string, boolean>();
  private readonly logger: Logger;
  readonly totals: ApplyStats = { transactions: 0, skipped: 0, events: 0, statements: 0 };

  constructor(private readonly options: PgSinkOptions) {
    this.logger = options.logger ?? silentLogger;
    this.planner = new Planner({
      mappings: options.mappings,
      schemaChange: options.schemaChange ?? 'stop',
      ...(options.sourceColumnType ? { sourceColumnType: options.sourceColumnType } : {}),
      logger: this.logger,
    });
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.options.url,
        connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
        keepAlive: true,
      });
      client.on('error', (error) => {
        this.logger.warn('target connection lost', { error: messageOf(error) });
        this.drop(client);
      });
      try {
        await client.connect();
        await client.query(`SET DateStyle = ISO; SET IntervalStyle = postgres; SET application_name = 'strangler-sync'`);
        if (this.options.replicationRole ?? true) await client.query('SET session_replication_role = replica');
        await ensureBookkeeping(client);
      } catch (error) {
        await client.end().catch(() => undefined);
        throw targetError(error);
      }
      this.client = client;
      this.knownLoaded = false;
      this.planner.reset();
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.knownLoaded = false;
    this.planner.reset();
    client.end().catch(() => undefined);
  }

  async checkpoint(): Promise<Lsn | undefined> {
    const client = await this.connect();
    if (!this.knownLoaded) {
      try {
        this.known = (await readCheckpoint(client, this.options.slot))?.lsn;
      } catch (error) {
        this.drop(client);
        throw targetError(error);
      }
      this.knownLoaded = true;
    }
    return this.known;
  }

  async snapshotProgress(): Promise<SnapshotProgress[]> {
    return readSnapshotProgress(await this.connect(), this.options.slot);
  }

  async apply(transactions: readonly SourceTransaction[]): Promise<Lsn | undefined> {
    const checkpoint = await this.checkpoint();
    const todo = transactions.filter((tx) => isSnapshotTransaction(tx) || checkpoint === undefined || tx.commitLsn > checkpoint);
    this.totals.skipped += transactions.length - todo.length;
    if (todo.length === 0) return checkpoint;
    const client = await this.connect();
    let next = checkpoint;
    let lastTx: SourceTransaction | undefined;
    let streamed = 0;
    const progress = new Map<string, SnapshotProgress>();
    const writer = new OperationWriter(client);
    try {
      await client.query('BEGIN');
      for (const tx of todo) {
        const snapshot = isSnapshotTransaction(tx);
        for (const change of tx.changes) {
          const plan = await this.planner.planFor(client, change.relation);
          if (snapshot)
            trackSnapshot(progress, change.relation.schema, change.relation.table, change.source.snapshot, change.after, change.relation);
          if (!plan) continue;
          for (const operation of toOperations(plan, change)) await writer.write(operation);
        }
        const ends = snapshot ? tx.changes.some((change) => change.source.snapshot === 'last') : true;
        if (ends && (next === undefined || tx.commitLsn > next)) {
          next = tx.commitLsn;
          lastTx = tx;
        }
        if (!snapshot) streamed++;
      }
      await writer.flush();
      for (const entry of progress.values()) await writeSnapshotProgress(client, this.options.slot, entry);
      if (lastTx && next !== undefined && next !== checkpoint)
        await client.query(checkpointAndCommitSql(this.options.slot, next, lastTx.xid, streamed));
      else await client.query('COMMIT');
    } catch (error) {
      // Whatever happened, the target's checkpoint is the truth: read it again before the next apply.
      await client.query('ROLLBACK').catch(() => undefined);
      this.knownLoaded = false;
      this.planner.reset();
      if (isConnectionError(error)) this.drop(client);
      throw isStranglerError(error) ? error : targetError(error);
    }
    this.known = next;
    this.totals.transactions += todo.length;
    this.totals.events += todo.reduce((sum, tx) => sum + tx.changes.length, 0);
    this.totals.statements += writer.stats.statements;
    this.logger.debug('applied', {
      transactions: todo.length,
      statements: writer.stats.statements,
      checkpoint: next === undefined ? null : formatLsn(next),
    });
    return next;
  }

  /**
   * One chunk of the initial copy in one target transaction, with the table's progress (last
   * key, done), so an interrupted copy resumes after the last committed chunk.
   */
  async applySnapshot(chunk: SnapshotChunk): Promise<void> {
    const client = await this.connect();
    const writer = new OperationWriter(client);
    let copied = false;
    try {
      await client.query('BEGIN');
      const operations: TargetOperation[] = [];
      for (const change of chunk.events) {
        const plan = await this.planner.planFor(client, change.relation);
        if (plan) operations.push(...toOperations(plan, change));
      }
      const puts = operations.filter((operation): operation is PutOperation => operation.kind === 'put' && operation.missing.length === 0);
      const plan = puts[0]?.plan;
      if (
        plan &&
        puts.length === operations.length &&
        puts.every((put) => put.plan === plan) &&
        (await this.copyInto(client, chunk.table, plan))
      ) {
        copied = true;
        await copyRows(client, plan, puts);
      } else {
        for (const operation of operations) await writer.write(operation);
        await writer.flush();
      }
      await writeSnapshotProgress(client, this.options.slot, {
        table: chunk.table,
        lastKey: chunk.lastKey ?? null,
        rows: chunk.events.length,
        done: chunk.tableDone,
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      this.planner.reset();
      if (isConnectionError(error)) this.drop(client);
      else if (copied && sqlState(error) === '23505') {
        // Someone else wrote a row with one of our keys meanwhile: upsert this table's chunks from now on.
        this.copyTables.set(chunk.table, false);
        return this.applySnapshot(chunk);
      }
      throw isStranglerError(error) ? error : targetError(error);
    }
    this.totals.events += chunk.events.length;
    this.totals.statements += copied ? 1 : writer.stats.statements;
  }

  /** Whether this table's copy goes in with COPY: a plain mapping and a target table that was empty when its copy began. */
  private async copyInto(client: pg.Client, table: string, plan: TablePlan): Promise<boolean> {
    let decided = this.copyTables.get(table);
    if (decided === undefined) {
      decided =
        copyable(plan) &&
        (await client.query<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM ${plan.targetSql}) AS empty`)).rows[0]?.empty === true;
      this.copyTables.set(table, decided);
    }
    return decided;
  }

  /** Marks the initial copy complete: the checkpoint becomes the slot's consistent point, where streaming starts. */
  async completeSnapshot(consistentLsn: Lsn, txId: number): Promise<void> {
    const client = await this.connect();
    try {
      await writeCheckpoint(client, this.options.slot, consistentLsn, txId, 0);
    } catch (error) {
      if (isConnectionError(error)) this.drop(client);
      throw targetError(error);
    }
    this.known = consistentLsn;
    this.knownLoaded = true;
  }

  /** Forgets the checkpoint and snapshot progress of this slot (its slot was dropped: the copy starts over). */
  async resetBookkeeping(): Promise<void> {
    const client = await this.connect();
    await clearBookkeeping(client, this.options.slot);
    this.known = undefined;
    this.knownLoaded = true;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }
}

function trackSnapshot(
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

function isStranglerError(error: unknown): error is StranglerError {
  return error instanceof StranglerError;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** Errors that mean "the target is not reachable right now" (retry) rather than "this change cannot be applied". */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StranglerError) return error.code === 'SYNC_TARGET_UNREACHABLE';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (CONNECTION_CODES.has(code)) return true;
  const message = messageOf(error);
  return /Connection terminated|connection timeout|not queryable|Client was closed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(message);
}

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function targetError(error: unknown): StranglerError {
  if (error instanceof StranglerError) return error;
  if (isConnectionError(error)) {
    return new StranglerError(
      'SYNC_TARGET_UNREACHABLE',
      `The target database is not reachable: ${messageOf(error)}. The sync retries; check the target and target.urlEnv.`,
      {
        cause: error,
      },
    );
  }
  return new StranglerError(
    'SYNC_APPLY_FAILED',
    `Applying to the target failed: ${messageOf(error)}. Nothing of this batch was committed.`,
    { cause: error },
  );
}
