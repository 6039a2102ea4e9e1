/**
 * Runs target operations in order, many rows per statement: consecutive operations of the same
 * kind, table and shape go into one multi-row statement, which is cut whenever a key repeats
 * (ON CONFLICT cannot touch a row twice in one statement) or it reaches its size. Statements
 * used over and over are prepared once per connection (named).
 * A run of inserts of full rows under a plain mapping (copy-load.ts `copyable`) goes in with one
 * COPY instead (no SQL to parse or plan per row: about half the server time of the upserts);
 * the row normally does not exist yet, and when it does, the COPY fails with a unique violation
 * and the sink applies the batch again with upserts (CopyConflict).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import type { TablePlan } from '../mapping/compile.js';
import type { TargetOperation, Value } from '../mapping/operations.js';
import copyStreams from 'pg-copy-streams';
import type { Row } from '../change.js';
import { copyable, copyFromSql, copyLine, copyLineOfRow } from './copy-load.js';
import { sqlState } from './target-errors.js';
import { deleteSql, MAX_ROWS_PER_STATEMENT, partialUpdateSql, rowsPerStatement, truncateSql, upsertSql } from '../mapping/sql.js';

interface Group {
  kind: 'put' | 'delete' | 'truncate';
  plan: TablePlan;
  missing: readonly number[];
  shape: string;
  /** One entry per row: the put's values (one per plan.params) or the delete's key. */
  rows: (readonly (Value | undefined)[])[];
  /** Every row is an insert of a full row under a plain mapping: the group may go in with COPY. */
  copy: boolean;
  /** Rows of the group already written into the open COPY (no longer in `rows`). */
  copied: number;
  keys: Set<string>;
  truncates: TablePlan[];
}

export interface ExecuteStats {
  statements: number;
  rows: number;
  /** Groups written with COPY. */
  copies: number;
  /** Unchanged-TOAST updates skipped because their row was gone (missingRowsTolerated). */
  missingRowsSkipped: number;
}

export interface OperationWriterOptions {
  /**
   * Whether inserts into this target table may go in with COPY (no conflict seen lately). A COPY
   * that meets an existing key fails the target transaction with a unique violation
   * (CopyConflict); the sink then applies the same batch again without COPY.
   */
  copyAllowed?: (plan: TablePlan) => boolean;
  /** A group of at least this many inserts goes in with COPY (default 64). */
  copyMinRows?: number;
}

/** Rows per COPY group at most. */
export const MAX_ROWS_PER_COPY = 20_000;

/** A COPY of inserts hit an existing key (23505): nothing of the target transaction stands. */
export class CopyConflict extends Error {
  constructor(
    readonly plan: TablePlan,
    cause: unknown,
  ) {
    super(`COPY into ${plan.targetSql} met an existing key`, { cause });
  }
}

const statementNames = new Map<string, string>();

function nameFor(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `ss_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (statementNames.size < 5_000) statementNames.set(text, name);
  }
  return name;
}

function keyText(values: readonly (Value | undefined)[]): string {
  if (values.length === 1) return values[0] === null || values[0] === undefined ? '\u0001' : values[0];
  return values.map((value) => (value === null || value === undefined ? '\u0001' : value)).join('\u0000');
}

export class OperationWriter {
  private group: Group | undefined;
  /** The COPY the current group is being written into, when it is one. */
  private copy: OpenCopy | undefined;
  readonly stats: ExecuteStats = { statements: 0, rows: 0, copies: 0, missingRowsSkipped: 0 };
  private readonly copyMinRows: number;
  /**
   * While true, an unchanged-TOAST update whose target row does not exist is skipped (counted in
   * stats) instead of stopping the sync: set for the transactions a resumed copy overlaps.
   */
  missingRowsTolerated = false;

  constructor(
    private readonly client: pg.ClientBase,
    private readonly options: OperationWriterOptions = {},
  ) {
    this.copyMinRows = options.copyMinRows ?? 64;
  }

  private copyable(plan: TablePlan): boolean {
    let known = copyablePlans.get(plan);
    if (known === undefined) {
      known = copyable(plan);
      copyablePlans.set(plan, known);
    }
    return known && (this.options.copyAllowed?.(plan) ?? false);
  }

  /**
   * The fast path of a run of inserts: when a COPY of this plan's inserts is open already and
   * the row carries every value the plan binds, its line is appended at once (no operation is
   * built, nothing awaited: push() once `full`). False when the row must go through
   * write(toOperations(...)) instead.
   */
  appendInsert(plan: TablePlan, after: Row): boolean {
    const group = this.group;
    const copy = this.copy;
    if (!copy || group?.plan !== plan || !group.copy || group.rows.length > 0) return false;
    if (group.copied >= this.limit(group)) return false;
    const line = copyLineOfRow(plan, after);
    if (line === undefined) return false;
    copy.pending += line;
    group.copied++;
    return true;
  }

  /** True when the open COPY holds enough text to send (call push()). */
  get full(): boolean {
    return this.copy !== undefined && this.copy.pending.length >= COPY_SEND_BYTES;
  }

  async write(operation: TargetOperation): Promise<void> {
    const plan = operation.plan;
    if (operation.kind === 'truncate') {
      if (this.group?.kind !== 'truncate') await this.flush();
      this.group ??= { kind: 'truncate', plan, missing: [], shape: '', rows: [], copy: false, copied: 0, keys: new Set(), truncates: [] };
      this.group.truncates.push(plan);
      return;
    }
    const missing = operation.kind === 'put' ? operation.missing : NONE;
    const shape = missing.length === 0 ? '' : missing.join(',');
    const copy = operation.kind === 'put' && operation.insert && missing.length === 0 && this.copyable(plan);
    // A COPY group needs no key check: a key inserted twice needs a delete in between, which
    // starts a new group; and if a key were there twice, COPY fails and the batch is upserted.
    const key = copy ? '' : keyText(operation.kind === 'put' ? plan.key.map((column) => operation.values[column.param]) : operation.key);
    const current = this.group;
    if (
      !current ||
      current.kind !== operation.kind ||
      current.plan !== plan ||
      current.shape !== shape ||
      current.copy !== copy ||
      (!copy && current.keys.has(key)) ||
      current.rows.length + current.copied >= this.limit(current)
    ) {
      await this.flush();
      this.group = { kind: operation.kind, plan, missing, shape, rows: [], copy, copied: 0, keys: new Set(), truncates: [] };
    }
    const group = this.group;
    if (!group) return;
    if (!copy) group.keys.add(key);
    group.rows.push(operation.kind === 'put' ? operation.values : operation.key);
    if (copy && (this.copy || group.rows.length >= this.copyMinRows)) await this.feed(group);
  }

  /**
   * Moves the group's rows into its COPY (opened at the first call), sending every ~64 kB, so
   * the target inserts rows while the next ones are mapped (and, across applyStream calls,
   * while they are still being received).
   */
  private async feed(group: Group): Promise<void> {
    this.copy ??= this.openCopy(group.plan);
    const copy = this.copy;
    for (const row of group.rows) copy.pending += copyLine(group.plan, row);
    group.copied += group.rows.length;
    group.rows = [];
    if (copy.pending.length >= COPY_SEND_BYTES) await this.send(copy);
  }

  private openCopy(plan: TablePlan): OpenCopy {
    const stream = this.client.query(copyStreams.from(copyFromSql(plan)));
    const copy: OpenCopy = { plan, stream, pending: '', failure: undefined, done: Promise.resolve() };
    copy.done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', (error: unknown) => {
        copy.failure = error;
        reject(conflictOr(plan, error));
      });
    });
    // Observed by flush() or abort(); never left unhandled meanwhile.
    copy.done.catch(() => undefined);
    return copy;
  }

  private async send(copy: OpenCopy): Promise<void> {
    if (copy.failure !== undefined) throw conflictOr(copy.plan, copy.failure);
    const text = copy.pending;
    copy.pending = '';
    if (text.length === 0 || copy.stream.write(text)) return;
    // Backpressure: wait until the socket drained (or the COPY failed).
    await Promise.race([new Promise((resolve) => copy.stream.once('drain', resolve)), copy.done]);
  }

  /** Sends what is buffered for the open COPY, leaving it open (more rows follow in a later call). */
  async push(): Promise<void> {
    if (this.copy) await this.send(this.copy);
  }

  /** Ends the open COPY and waits for the target to have taken every row. */
  private async endCopy(): Promise<void> {
    const copy = this.copy;
    if (!copy) return;
    this.copy = undefined;
    await this.send(copy);
    copy.stream.end();
    await copy.done;
  }

  /** Abandons an open COPY (CopyFail), so the connection can roll back. */
  async abort(): Promise<void> {
    const copy = this.copy;
    this.copy = undefined;
    this.group = undefined;
    if (!copy) return;
    copy.stream.destroy(new Error('apply abandoned'));
    await copy.done.catch(() => undefined);
  }

  /** Rows a group may hold: a COPY group many, else one statement's worth. */
  private limit(group: Group): number {
    if (group.copy) return MAX_ROWS_PER_COPY;
    return rowsPerStatement(group.kind === 'put' ? group.plan.params.length : group.plan.key.length);
  }

  async flush(): Promise<void> {
    const group = this.group;
    this.group = undefined;
    if (!group) return;
    this.stats.rows += group.rows.length;
    if (group.kind === 'truncate') {
      this.stats.statements++;
      await this.client.query(truncateSql(group.truncates));
      return;
    }
    if (this.copy) {
      this.stats.statements++;
      this.stats.copies++;
      this.stats.rows += group.copied;
      for (const row of group.rows) this.copy.pending += copyLine(group.plan, row);
      await this.endCopy();
      return;
    }
    const width = group.kind === 'put' ? group.plan.params.length : group.plan.key.length;
    const per = rowsPerStatement(width);
    for (let start = 0; start < group.rows.length; start += per) await this.statement(group, group.rows.slice(start, start + per));
  }

  private async statement(group: Group, rows: readonly (readonly (Value | undefined)[])[]): Promise<void> {
    this.stats.statements++;
    const values: Value[] = [];
    for (const row of rows) for (const value of row) values.push(value ?? null);
    if (group.kind === 'delete') {
      await this.run(deleteSql(group.plan, rows.length), values, rows.length);
      return;
    }
    if (group.missing.length === 0) {
      await this.run(upsertSql(group.plan, rows.length), values, rows.length);
      return;
    }
    const result = await this.run(partialUpdateSql(group.plan, rows.length, group.missing), values, rows.length);
    const counts = result.rows[0] as { updated?: number; wanted?: number } | undefined;
    const missing = (counts?.wanted ?? 0) - (counts?.updated ?? 0);
    if (missing > 0 && this.missingRowsTolerated) this.stats.missingRowsSkipped += missing;
    else if (missing > 0) {
      const source = `${group.plan.source.schema}.${group.plan.source.table}`;
      throw new StranglerError(
        'SYNC_TOAST_ROW_MISSING',
        `An update of ${source} left large (TOAST) values unchanged, and the target row in ${group.plan.target.table} does not exist, so those values are unknown. ` +
          `Run ALTER TABLE ${source} REPLICA IDENTITY FULL on the source (old rows then carry every value), and copy the table again (strangler sync drop, then start).`,
      );
    }
  }

  private run(text: string, values: Value[], rows: number): Promise<pg.QueryResult> {
    // Prepare the statements that recur (one row, or a full chunk); one-off sizes go unnamed.
    const prepared = rows === 1 || rows === MAX_ROWS_PER_STATEMENT || rows % 100 === 0;
    return this.client.query(prepared ? { name: nameFor(text), text, values } : { text, values });
  }
}

const copyablePlans = new WeakMap<TablePlan, boolean>();

const NONE: readonly number[] = [];

/** Bytes of COPY text sent at a time. */
const COPY_SEND_BYTES = 64 * 1024;

interface OpenCopy {
  plan: TablePlan;
  stream: ReturnType<typeof copyStreams.from>;
  /** Text not sent yet. */
  pending: string;
  failure: unknown;
  /** Settles when the target finished (or failed) the COPY. */
  done: Promise<void>;
}

function conflictOr(plan: TablePlan, error: unknown): unknown {
  return sqlState(error) === '23505' ? new CopyConflict(plan, error) : error;
}
