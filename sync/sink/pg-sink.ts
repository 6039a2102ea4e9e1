/**
 * `ChangeSink` on a target PostgreSQL: each apply() is one target transaction holding the rows
 * of one or more source transactions and the checkpoint (their last commit LSN), so a crash
 * anywhere leaves either all of it or none. Transactions at or below the checkpoint are skipped:
 * after a source crash the slot re-sends acknowledged transactions, and they change nothing.
 * Snapshot reads (op 'r') are upserts; the last key per table goes to snapshot_progress in the
 * same transaction, so an interrupted copy resumes by chunk; a plain table's chunks can pass
 * the source's COPY text through unparsed (snapshot-apply.ts, copy-load.ts). Runs of inserts
 * go in with COPY (execute.ts). applyStream() keeps the target transaction open across calls
 * while the parts of a large source transaction arrive, and commits it, with the checkpoint, at
 * the transaction's end (apply-state.ts holds what such a transaction has written so far).
 */
import pg from 'pg';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { formatLsn, type ChangeSink, type Lsn, type Relation, type SourceTransaction } from '../change.js';
import type { SchemaChangePolicy, TableMapping } from '../config/schema.js';
import type { TablePlan } from '../mapping/compile.js';
import { toOperations } from '../mapping/operations.js';
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
import { isTransactionPart } from '../source/transaction-assembler.js';
import { CopyConflict, OperationWriter } from './execute.js';
import { isConnectionError, isStranglerError, targetError } from './target-errors.js';

export { isConnectionError } from './target-errors.js';
import { Planner, type SourceColumnType } from './planner.js';
import { newState, trackSnapshot, type ApplyState } from './apply-state.js';
import { SnapshotApplier, type RawSnapshotChunk, type SnapshotChunk, type SnapshotPassThrough } from './snapshot-apply.js';

export type { RawSnapshotChunk, SnapshotChunk, SnapshotPassThrough } from './snapshot-apply.js';

export interface PgSinkOptions {
  url: string;
  slot: string;
  mappings: readonly TableMapping[];
  schemaChange?: SchemaChangePolicy;
  sourceColumnType?: SourceColumnType;
  /** session_replication_role = replica while applying (default true), like PostgreSQL's own apply worker. */
  replicationRole?: boolean;
  connectTimeoutMs?: number;
  /** Runs of inserts go in with COPY when the mapping allows it (default true); false: always upserts. */
  copyInserts?: boolean;
  logger?: Logger;
}

export interface ApplyStats {
  transactions: number;
  skipped: number;
  events: number;
  statements: number;
  /** Groups of inserts written with COPY. */
  copies: number;
  /** Parts of source transactions applied before their end arrived (applyStream). */
  parts: number;
}

/** After a COPY of inserts met an existing row, that table's inserts are upserts for this long (ms). */
const COPY_BLOCK_MS = 60_000;

/** A transaction of the initial copy: its rows are reads ('r'). */
export function isSnapshotTransaction(tx: SourceTransaction): boolean {
  return tx.changes.length > 0 && tx.changes.every((change) => change.op === 'r');
}

export class PgSink implements ChangeSink {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private known: Lsn | undefined;
  /** A resumed initial copy's overlap mark (bookkeeping.ts), loaded with the checkpoint. */
  private overlapUntil: Lsn | undefined;
  private knownLoaded = false;
  private readonly planner: Planner;
  private readonly snapshots: SnapshotApplier;
  private readonly logger: Logger;
  /** Target table -> until when (ms) its inserts go in as upserts, after a COPY met an existing row. */
  private readonly copyBlockedUntil = new Map<string, number>();
  /** The target transaction applyStream() keeps open between calls. */
  private open: { client: pg.Client; checkpoint: Lsn | undefined; state: ApplyState } | undefined;
  readonly totals: ApplyStats = { transactions: 0, skipped: 0, events: 0, statements: 0, copies: 0, parts: 0 };

  constructor(private readonly options: PgSinkOptions) {
    this.logger = options.logger ?? silentLogger;
    this.planner = new Planner({
      mappings: options.mappings,
      schemaChange: options.schemaChange ?? 'stop',
      ...(options.sourceColumnType ? { sourceColumnType: options.sourceColumnType } : {}),
      logger: this.logger,
    });
    this.snapshots = new SnapshotApplier({
      slot: options.slot,
      planner: this.planner,
      totals: this.totals,
      connect: () => this.connect(),
      drop: (client) => this.drop(client),
      copyAllowed: (plan) => this.copyAllowed(plan),
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
        const row = await readCheckpoint(client, this.options.slot);
        this.known = row?.lsn;
        this.overlapUntil = row?.overlapUntil;
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
    if (this.open) throw new StranglerError('SYNC_APPLY_FAILED', 'apply() while a streamed transaction is open: call applyStream().');
    const checkpoint = await this.checkpoint();
    const todo = this.unapplied(transactions, checkpoint);
    if (todo.length === 0) return checkpoint;
    try {
      return await this.applyTodo(todo, checkpoint);
    } catch (error) {
      if (!(error instanceof CopyConflict)) throw error;
      // An insert met a row the target already holds (a resumed copy's overlap, or a row written
      // there by someone else): nothing was committed; apply the same batch with upserts.
      this.blockCopy(error);
      return this.applyTodo(todo, checkpoint);
    }
  }

  /** True while a target transaction holds parts of a source transaction whose end has not been applied yet. */
  get streaming(): boolean {
    return this.open !== undefined;
  }

  /**
   * Like apply(), but the items may end with parts of a source transaction still being received
   * (TransactionPart): they are written into a target transaction that stays open, and the next
   * call goes on in it, until an item that ends a transaction is last; then the checkpoint (the
   * last commit LSN) and the COMMIT go in. A large source transaction is thus applied while the
   * rest of it arrives, and never held whole in memory. `open` says whether the target
   * transaction is still open (nothing of it is committed: acknowledge nothing yet). A failure
   * rolls everything open back, and the parts are gone: the caller must read the source again
   * from its last acknowledgement.
   */
  async applyStream(items: readonly SourceTransaction[]): Promise<{ open: boolean; checkpoint: Lsn | undefined }> {
    const last = items[items.length - 1];
    const ends = last === undefined || !isTransactionPart(last);
    if (!this.open && ends) return { open: false, checkpoint: await this.apply(items) };
    const checkpoint = this.open ? this.open.checkpoint : await this.checkpoint();
    const todo = this.unapplied(items, checkpoint);
    if (!this.open && todo.length === 0) return { open: false, checkpoint };
    const client = this.open?.client ?? (await this.connect());
    try {
      if (!this.open) {
        await client.query('BEGIN');
        this.open = { client, checkpoint, state: newState(checkpoint) };
      }
      const state = this.open.state;
      // The open COPY of a run of inserts stays open across parts: rows go in as they arrive.
      await this.writeTransactions(client, todo, state, ends);
      if (!ends) return { open: true, checkpoint };
      this.open = undefined;
      return { open: false, checkpoint: await this.commit(client, state, checkpoint) };
    } catch (error) {
      const writer = this.open?.state.writer;
      this.open = undefined;
      await writer?.abort();
      await client.query('ROLLBACK').catch(() => undefined);
      this.knownLoaded = false;
      this.planner.reset();
      if (isConnectionError(error)) this.drop(client);
      if (error instanceof CopyConflict) {
        this.blockCopy(error);
        throw new StranglerError(
          'SYNC_APPLY_RESTART',
          `An insert into ${error.plan.targetSql} met a row the target already holds, inside a transaction applied while it was received; it is read again from the source and upserted.`,
          { cause: error },
        );
      }
      throw isStranglerError(error) ? error : targetError(error);
    }
  }

  /** Rolls back the target transaction applyStream() left open (the source stream ended before its end). */
  async abortStream(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (!open) return;
    await open.state.writer?.abort();
    await open.client.query('ROLLBACK').catch(() => undefined);
    this.knownLoaded = false;
    this.planner.reset();
  }

  private unapplied(transactions: readonly SourceTransaction[], checkpoint: Lsn | undefined): SourceTransaction[] {
    const todo: SourceTransaction[] = [];
    for (const tx of transactions) {
      if (checkpoint === undefined || tx.commitLsn > checkpoint || isSnapshotTransaction(tx)) todo.push(tx);
      else if (!isTransactionPart(tx)) this.totals.skipped++;
    }
    return todo;
  }

  private blockCopy(conflict: CopyConflict): void {
    this.copyBlockedUntil.set(conflict.plan.targetSql, Date.now() + COPY_BLOCK_MS);
    this.logger.debug('an insert met an existing row: upserting', { table: conflict.plan.targetSql });
  }

  private copyAllowed(plan: TablePlan): boolean {
    if (this.options.copyInserts === false) return false;
    const until = this.copyBlockedUntil.get(plan.targetSql);
    return until === undefined || until <= Date.now();
  }

  private async applyTodo(todo: readonly SourceTransaction[], checkpoint: Lsn | undefined): Promise<Lsn | undefined> {
    const client = await this.connect();
    const state = newState(checkpoint);
    try {
      await client.query('BEGIN');
      await this.writeTransactions(client, todo, state);
      return await this.commit(client, state, checkpoint);
    } catch (error) {
      // Whatever happened, the target's checkpoint is the truth: read it again before the next apply.
      await state.writer?.abort();
      await client.query('ROLLBACK').catch(() => undefined);
      this.knownLoaded = false;
      this.planner.reset();
      if (isConnectionError(error)) this.drop(client);
      throw isStranglerError(error) || error instanceof CopyConflict ? error : targetError(error);
    }
  }

  /** Writes the rows of these transactions (or parts) into the open target transaction. */
  private async writeTransactions(client: pg.Client, todo: readonly SourceTransaction[], state: ApplyState, flush = true): Promise<void> {
    const writer = (state.writer ??= new OperationWriter(client, { copyAllowed: (plan) => this.copyAllowed(plan) }));
    // Runs of changes share a relation: its plan is looked up once per run, without an await.
    let lastRelation: Relation | undefined;
    let lastPlan: TablePlan | null = null;
    for (const tx of todo) {
      const snapshot = isSnapshotTransaction(tx);
      // After a resumed copy, a transaction below the overlap mark may update a row that a later
      // change (already in the copied rows) deleted: its unchanged-TOAST update then finds no row.
      const overlap = !snapshot && this.overlapUntil !== undefined && tx.commitLsn < this.overlapUntil;
      if (overlap !== writer.missingRowsTolerated) {
        await writer.flush();
        writer.missingRowsTolerated = overlap;
      }
      for (const change of tx.changes) {
        let plan = lastPlan;
        if (change.relation !== lastRelation) {
          // Planning a new relation queries the target (and may ALTER it): not while a COPY is open.
          if (!this.planner.isPlanned(change.relation)) await writer.flush();
          plan = lastPlan = await this.planner.planFor(client, change.relation);
          lastRelation = change.relation;
        }
        if (snapshot)
          trackSnapshot(
            state.progress,
            change.relation.schema,
            change.relation.table,
            change.source.snapshot,
            change.after,
            change.relation,
          );
        if (!plan) continue;
        // An insert into an open COPY of the same table skips building an operation.
        if (change.op === 'c' && change.after && !change.unchangedToast && writer.appendInsert(plan, change.after)) {
          if (writer.full) await writer.push();
          continue;
        }
        for (const operation of toOperations(plan, change)) await writer.write(operation);
      }
      state.events += tx.changes.length;
      if (isTransactionPart(tx)) {
        state.parts++;
        continue;
      }
      state.transactions++;
      const ends = snapshot ? tx.changes.some((change) => change.source.snapshot === 'last') : true;
      if (ends && (state.next === undefined || tx.commitLsn > state.next)) {
        state.next = tx.commitLsn;
        state.lastTx = tx;
      }
      if (!snapshot) state.streamed++;
    }
    if (flush) await writer.flush();
    else await writer.push();
  }

  /** Snapshot progress, the checkpoint (the last commit LSN) and COMMIT; returns the new checkpoint. */
  private async commit(client: pg.Client, state: ApplyState, checkpoint: Lsn | undefined): Promise<Lsn | undefined> {
    if (state.writer) {
      await state.writer.flush();
      state.statements += state.writer.stats.statements;
      state.copies += state.writer.stats.copies;
      if (state.writer.stats.missingRowsSkipped > 0)
        this.logger.info('skipped unchanged-TOAST updates of rows the resumed copy no longer holds (deleted later in the source)', {
          rows: state.writer.stats.missingRowsSkipped,
        });
    }
    for (const entry of state.progress.values()) await writeSnapshotProgress(client, this.options.slot, entry);
    const next = state.next;
    if (state.lastTx && next !== undefined && next !== checkpoint)
      await client.query(checkpointAndCommitSql(this.options.slot, next, state.lastTx.xid, state.streamed));
    else await client.query('COMMIT');
    this.known = next;
    this.totals.transactions += state.transactions;
    this.totals.events += state.events;
    this.totals.statements += state.statements;
    this.totals.copies += state.copies;
    this.totals.parts += state.parts;
    this.logger.debug('applied', {
      transactions: state.transactions,
      statements: state.statements,
      checkpoint: next === undefined ? null : formatLsn(next),
    });
    return next;
  }

  /** One chunk of the initial copy in one target transaction (snapshot-apply.ts). */
  applySnapshot(chunk: SnapshotChunk): Promise<void> {
    return this.snapshots.applySnapshot(chunk);
  }

  /** How a table's initial copy can pass COPY text through unparsed, or undefined (snapshot-apply.ts). */
  snapshotPassThrough(
    table: string,
    relation: Relation,
    sourceTypes: ReadonlyMap<string, string>,
    snapshotKey: readonly string[],
  ): Promise<SnapshotPassThrough | undefined> {
    return this.snapshots.passThrough(table, relation, sourceTypes, snapshotKey);
  }

  /** One raw chunk of COPY text in one target transaction; false when it met an existing row (snapshot-apply.ts). */
  applyRawSnapshot(chunk: RawSnapshotChunk): Promise<boolean> {
    return this.snapshots.applyRaw(chunk);
  }

  /** Marks the initial copy complete: the checkpoint becomes the slot's consistent point, where streaming starts. */
  async completeSnapshot(consistentLsn: Lsn, txId: number, overlapUntil?: Lsn): Promise<void> {
    const client = await this.connect();
    try {
      await writeCheckpoint(client, this.options.slot, consistentLsn, txId, 0, overlapUntil);
    } catch (error) {
      if (isConnectionError(error)) this.drop(client);
      throw targetError(error);
    }
    this.known = consistentLsn;
    this.overlapUntil = overlapUntil;
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
