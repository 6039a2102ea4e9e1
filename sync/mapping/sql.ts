/**
 * SQL text for the target operations of one TablePlan, many rows per statement. Values are
 * always bound as text parameters; each target column's expression casts them explicitly
 * (compile.ts), so numeric, timestamptz, json, arrays, bytea and enums arrive exactly.
 * Pure: the sink caches the text by shape and binds the values.
 */
import type { TablePlan } from './compile.js';
import { quoteIdent } from './expression.js';

/** PostgreSQL's limit is 65535 bind parameters per statement; stay well under it. */
const MAX_PARAMS = 30_000;
export const MAX_ROWS_PER_STATEMENT = 1_000;

export function rowsPerStatement(paramsPerRow: number): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / Math.max(1, paramsPerRow))));
}

/** `(VALUES ($1,$2),($3,$4)) AS s("a","b")` for `rows` rows of `names`. */
function valuesList(rows: number, width: number): string {
  const tuples: string[] = [];
  let n = 1;
  for (let row = 0; row < rows; row++) {
    const slots: string[] = [];
    for (let column = 0; column < width; column++) slots.push(`$${n++}`);
    tuples.push(`(${slots.join(',')})`);
  }
  return `VALUES ${tuples.join(',')}`;
}

const sourceAlias = (names: readonly string[]): string => `s(${names.map(quoteIdent).join(', ')})`;

function keyMatch(plan: TablePlan, column: (index: number) => string): string {
  return plan.key.map((key, index) => `t.${quoteIdent(key.column)} = ${column(index)}::${key.type}`).join(' AND ');
}

const paramRef = (plan: TablePlan) => (index: number) => `s.${quoteIdent(plan.params[plan.key[index]?.param ?? 0] ?? '')}`;

/** The columns a put writes when the params in `missing` are unknown. */
export function writtenColumns(plan: TablePlan, missing: readonly number[]): TablePlan['columns'] {
  if (missing.length === 0) return plan.columns;
  return plan.columns.filter((column) => !column.needs.some((index) => missing.includes(index)));
}

/**
 * Upsert of full rows: `INSERT … SELECT … FROM (VALUES …) ON CONFLICT (key) DO UPDATE`. With a
 * filter, rows failing it are deleted in the same statement (a data-modifying CTE) and not
 * inserted. Keys within one statement must be distinct (ON CONFLICT cannot touch a row twice).
 */
export function upsertSql(plan: TablePlan, rows: number): string {
  const names = plan.columns.map((column) => quoteIdent(column.name));
  const keyNames = new Set(plan.key.map((key) => key.column));
  const updates = plan.columns
    .filter((column) => !keyNames.has(column.name))
    .map((column) => `${quoteIdent(column.name)} = EXCLUDED.${quoteIdent(column.name)}`);
  const conflict = `ON CONFLICT (${plan.key.map((key) => quoteIdent(key.column)).join(', ')}) ${updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(', ')}`}`;
  const select = `SELECT ${plan.columns.map((column) => column.sql).join(', ')} FROM s`;
  const head = `WITH ${sourceAlias(plan.params)} AS (${valuesList(rows, plan.params.length)})`;
  if (!plan.filter) return `${head} INSERT INTO ${plan.targetSql} (${names.join(', ')}) ${select} ${conflict}`;
  const drop = `d AS (DELETE FROM ${plan.targetSql} AS t USING s WHERE ${keyMatch(plan, paramRef(plan))} AND NOT ${plan.filter.sql})`;
  return `${head}, ${drop} INSERT INTO ${plan.targetSql} (${names.join(', ')}) ${select} WHERE ${plan.filter.sql} ${conflict}`;
}

/**
 * Update of rows with unknown (unchanged TOAST) values: only the known columns are set. Returns
 * `updated` and `wanted` so the sink can tell a row that is missing in the target.
 */
export function partialUpdateSql(plan: TablePlan, rows: number, missing: readonly number[]): string {
  const keyNames = new Set(plan.key.map((key) => key.column));
  const sets = writtenColumns(plan, missing)
    .filter((column) => !keyNames.has(column.name))
    .map((column) => `${quoteIdent(column.name)} = ${column.sql}`);
  const head = `WITH ${sourceAlias(plan.params)} AS (${valuesList(rows, plan.params.length)})`;
  const match = keyMatch(plan, paramRef(plan));
  const filter = plan.filter ? ` AND ${plan.filter.sql}` : '';
  const drop = plan.filter ? `, d AS (DELETE FROM ${plan.targetSql} AS t USING s WHERE ${match} AND NOT ${plan.filter.sql})` : '';
  const update =
    sets.length === 0
      ? `u AS (SELECT 1 FROM ${plan.targetSql} AS t, s WHERE ${match}${filter})`
      : `u AS (UPDATE ${plan.targetSql} AS t SET ${sets.join(', ')} FROM s WHERE ${match}${filter} RETURNING 1)`;
  return `${head}${drop}, ${update} SELECT (SELECT count(*) FROM u)::int AS updated, (SELECT count(*) FROM s${plan.filter ? ` WHERE ${plan.filter.sql}` : ''})::int AS wanted`;
}

/** Delete by target key: `DELETE … USING (VALUES …)`; the values are one per key column. */
export function deleteSql(plan: TablePlan, rows: number): string {
  const names = plan.key.map((key) => key.column);
  return `DELETE FROM ${plan.targetSql} AS t USING (${valuesList(rows, names.length)}) AS ${sourceAlias(names)} WHERE ${keyMatch(plan, (index) => `s.${quoteIdent(names[index] ?? '')}`)}`;
}

export function truncateSql(plans: readonly TablePlan[]): string {
  return `TRUNCATE ${[...new Set(plans.map((plan) => plan.targetSql))].join(', ')}`;
}
