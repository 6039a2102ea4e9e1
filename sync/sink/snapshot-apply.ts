/**
 * The initial copy's side of the PgSink: each chunk is one target transaction holding its rows
 * and the table's snapshot progress (last key, done), so an interrupted copy resumes after the
 * last committed chunk. A table whose target was empty when its copy began takes COPY; a plain
 * table can pass the source's COPY text through unparsed (copy-load.ts); a chunk that meets an
 * existing row is upserted instead, and so are that table's later chunks.
 */
import type pg from 'pg';
import type { ChangeEvent, Relation, Row } from '../change.js';
import type { TablePlan } from '../mapping/compile.js';
import { toOperations } from '../mapping/operations.js';
import { writeSnapshotProgress } from './bookkeeping.js';
import { copyable, copyRawInto, passThroughSelect, type PassThroughSelect } from './copy-load.js';
import { CopyConflict, OperationWriter } from './execute.js';
import type { Planner } from './planner.js';
import { isConnectionError, isStranglerError, sqlState, targetError } from './target-errors.js';

export interface SnapshotChunk {
  /** `schema.table` of the source. */
  table: string;
  events: readonly ChangeEvent[];
  lastKey: Row | undefined;
  tableDone: boolean;
}

/** A chunk of the initial copy as raw COPY text of a pass-through select (copy-load.ts). */
export interface RawSnapshotChunk {
  /** `schema.table` of the source. */
  table: string;
  pass: SnapshotPassThrough;
  data: readonly Buffer[];
  rows: number;
  lastKey: Row | undefined;
  tableDone: boolean;
}

export interface SnapshotPassThrough extends PassThroughSelect {
  plan: TablePlan;
}

/** What the snapshot side uses of its PgSink: the connection, the planner and the totals. */
export interface SnapshotContext {
  slot: string;
  planner: Planner;
  totals: { events: number; statements: number; copies: number };
  connect(): Promise<pg.Client>;
  /** Forgets a connection that failed. */
  drop(client: pg.Client): void;
  /** COPY of this plan's inserts is not blocked (after an insert met an existing row). */
  copyAllowed(plan: TablePlan): boolean;
}

export class SnapshotApplier {
  /** Per source table: whether its initial copy goes in with COPY (decided at its first chunk). */
  private readonly copyTables = new Map<string, boolean>();

  constructor(private readonly context: SnapshotContext) {}

  /**
   * One chunk of the initial copy in one target transaction, with the table's progress (last
   * key, done), so an interrupted copy resumes after the last committed chunk.
   */
  async applySnapshot(chunk: SnapshotChunk): Promise<void> {
    const client = await this.context.connect();
    let writer: OperationWriter | undefined;
    try {
      await client.query('BEGIN');
      // Plan first (catalog queries), then stream the rows: with COPY, the target inserts them while the next ones are mapped.
      const first = chunk.events[0];
      const firstPlan = first ? await this.context.planner.planFor(client, first.relation) : null;
      const copy = firstPlan !== null && (await this.copyInto(client, chunk.table, firstPlan));
      const streaming = new OperationWriter(client, { copyAllowed: () => copy, copyMinRows: 1 });
      writer = streaming;
      for (const change of chunk.events) {
        if (!this.context.planner.isPlanned(change.relation)) await streaming.flush();
        const plan = await this.context.planner.planFor(client, change.relation);
        if (plan) for (const operation of toOperations(plan, change)) await streaming.write(operation);
      }
      await streaming.flush();
      await writeSnapshotProgress(client, this.context.slot, {
        table: chunk.table,
        lastKey: chunk.lastKey ?? null,
        rows: chunk.events.length,
        done: chunk.tableDone,
      });
      await client.query('COMMIT');
    } catch (error) {
      await writer?.abort();
      await client.query('ROLLBACK').catch(() => undefined);
      this.context.planner.reset();
      if (isConnectionError(error)) this.context.drop(client);
      else if (error instanceof CopyConflict) {
        // Someone else wrote a row with one of our keys meanwhile: upsert this table's chunks from now on.
        this.copyTables.set(chunk.table, false);
        return this.applySnapshot(chunk);
      }
      throw isStranglerError(error) ? error : targetError(error);
    }
    this.context.totals.events += chunk.events.length;
    this.context.totals.statements += writer.stats.statements;
    this.context.totals.copies += writer.stats.copies;
  }

  /**
   * How a table's initial copy can pass COPY text through unparsed, or undefined when it takes
   * applySnapshot(): the same decision as its COPY path (plain mapping, target empty when its
   * copy began, COPY not blocked) plus equal source and target column types.
   */
  async passThrough(
    table: string,
    relation: Relation,
    sourceTypes: ReadonlyMap<string, string>,
    snapshotKey: readonly string[],
  ): Promise<SnapshotPassThrough | undefined> {
    const client = await this.context.connect();
    try {
      const plan = await this.context.planner.planFor(client, relation);
      if (!plan || !this.context.copyAllowed(plan) || !(await this.copyInto(client, table, plan))) return undefined;
      const select = passThroughSelect(plan, sourceTypes, snapshotKey);
      return select ? { plan, ...select } : undefined;
    } catch (error) {
      this.context.planner.reset();
      if (isConnectionError(error)) this.context.drop(client);
      throw isStranglerError(error) ? error : targetError(error);
    }
  }

  /**
   * One raw chunk in one target transaction with the table's progress, like applySnapshot().
   * False when the COPY met a row the target already holds: nothing was written, and the table's
   * chunks take applySnapshot() (upserts) from now on.
   */
  async applyRaw(chunk: RawSnapshotChunk): Promise<boolean> {
    const client = await this.context.connect();
    try {
      await client.query('BEGIN');
      if (chunk.rows > 0) await copyRawInto(client, chunk.pass.plan, chunk.data);
      await writeSnapshotProgress(client, this.context.slot, {
        table: chunk.table,
        lastKey: chunk.lastKey ?? null,
        rows: chunk.rows,
        done: chunk.tableDone,
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isConnectionError(error)) this.context.drop(client);
      else if (sqlState(error) === '23505') {
        this.copyTables.set(chunk.table, false);
        return false;
      }
      throw isStranglerError(error) ? error : targetError(error);
    }
    this.context.totals.events += chunk.rows;
    this.context.totals.statements += 1;
    if (chunk.rows > 0) this.context.totals.copies += 1;
    return true;
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
}
