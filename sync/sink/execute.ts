/**
 * Runs target operations in order, many rows per statement: consecutive operations of the same
 * kind, table and shape go into one multi-row statement, which is cut whenever a key repeats
 * (ON CONFLICT cannot touch a row twice in one statement) or it reaches its size. Statements
 * used over and over are prepared once per connection (named).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import type { TablePlan } from '../mapping/compile.js';
import type { TargetOperation, Value } from '../mapping/operations.js';
import { deleteSql, MAX_ROWS_PER_STATEMENT, partialUpdateSql, rowsPerStatement, truncateSql, upsertSql } from '../mapping/sql.js';

interface Group {
  kind: 'put' | 'delete' | 'truncate';
  plan: TablePlan;
  missing: readonly number[];
  shape: string;
  values: Value[];
  rows: number;
  keys: Set<string>;
  truncates: TablePlan[];
}

export interface ExecuteStats {
  statements: number;
  rows: number;
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
  return values.map((value) => (value === null || value === undefined ? '\u0001' : value)).join('\u0000');
}

export class OperationWriter {
  private group: Group | undefined;
  readonly stats: ExecuteStats = { statements: 0, rows: 0 };

  constructor(private readonly client: pg.ClientBase) {}

  async write(operation: TargetOperation): Promise<void> {
    const plan = operation.plan;
    if (operation.kind === 'truncate') {
      if (this.group?.kind !== 'truncate') await this.flush();
      this.group ??= { kind: 'truncate', plan, missing: [], shape: '', values: [], rows: 0, keys: new Set(), truncates: [] };
      this.group.truncates.push(plan);
      return;
    }
    const missing = operation.kind === 'put' ? operation.missing : [];
    const shape = missing.join(',');
    const keyValues = operation.kind === 'put' ? plan.key.map((key) => operation.values[key.param]) : operation.key;
    const key = keyText(keyValues);
    const width = operation.kind === 'put' ? plan.params.length : plan.key.length;
    const current = this.group;
    if (
      !current ||
      current.kind !== operation.kind ||
      current.plan !== plan ||
      current.shape !== shape ||
      current.keys.has(key) ||
      current.rows >= rowsPerStatement(width)
    ) {
      await this.flush();
      this.group = { kind: operation.kind, plan, missing, shape, values: [], rows: 0, keys: new Set(), truncates: [] };
    }
    const group = this.group;
    if (!group) return;
    group.keys.add(key);
    group.rows++;
    if (operation.kind === 'put') for (const value of operation.values) group.values.push(value ?? null);
    else for (const value of operation.key) group.values.push(value);
  }

  async flush(): Promise<void> {
    const group = this.group;
    this.group = undefined;
    if (!group) return;
    this.stats.statements++;
    this.stats.rows += group.rows;
    if (group.kind === 'truncate') {
      await this.client.query(truncateSql(group.truncates));
      return;
    }
    if (group.kind === 'delete') {
      await this.run(deleteSql(group.plan, group.rows), group.values, group.rows);
      return;
    }
    if (group.missing.length === 0) {
      await this.run(upsertSql(group.plan, group.rows), group.values, group.rows);
      return;
    }
    const result = await this.run(partialUpdateSql(group.plan, group.rows, group.missing), group.values, group.rows);
    const counts = result.rows[0] as { updated?: number; wanted?: number } | undefined;
    if ((counts?.updated ?? 0) < (counts?.wanted ?? 0)) {
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
    const group = rows === 1 || rows === MAX_ROWS_PER_STATEMENT || rows % 100 === 0;
    const prepared = group;
    return this.client.query(prepared ? { name: nameFor(text), text, values } : { text, values });
  }
}
