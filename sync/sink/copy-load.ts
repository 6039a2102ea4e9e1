/**
 * COPY text for the fast path of inserts: when a table's mapping only renames, subsets and adds
 * constants (no computed column, cast or filter), runs of inserts (the initial copy's chunks into
 * a table that was empty when its copy began, and streamed inserts) go in with
 * `COPY target (columns) FROM STDIN` (text format) instead of upserts, as PostgreSQL's own table
 * synchronisation does (execute.ts streams it). COPY feeds each value to the column type's input
 * function, exactly like the `::type` casts of the upsert path.
 * Text format escapes (PostgreSQL docs, "COPY", File Formats / Text Format): backslash, newline,
 * carriage return and tab are written as \\, \n, \r, \t; NULL is \N.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { TablePlan } from '../mapping/compile.js';
import { quoteIdent, quoteLiteral } from '../mapping/expression.js';
import type { Row } from '../change.js';
import type { Value } from '../mapping/operations.js';

/** True when every target column is a source value as it is or a constant. */
export function copyable(plan: TablePlan): boolean {
  return !plan.filter && plan.columns.every((column) => column.from.kind !== 'expression');
}

const SPECIAL = /[\\\n\r\t]/;

function escapeCopy(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

export function copyFromSql(plan: TablePlan): string {
  return `COPY ${plan.targetSql} (${plan.columns.map((column) => quoteIdent(column.name)).join(', ')}) FROM STDIN`;
}

/** One row of COPY text format for a copyable plan, newline included. */
export function copyLine(plan: TablePlan, row: readonly (Value | undefined)[]): string {
  const columns = plan.columns;
  let line = '';
  for (let index = 0; index < columns.length; index++) {
    const from = columns[index]?.from;
    const value = from?.kind === 'source' ? row[from.param] : from?.kind === 'constant' ? from.value : undefined;
    if (index > 0) line += '\t';
    line += value === null || value === undefined ? '\\N' : escapeCopy(value);
  }
  return line + '\n';
}

/** copyLine() of an inserted source row (column -> text); undefined when the row lacks a value the plan binds. */
export function copyLineOfRow(plan: TablePlan, row: Row): string | undefined {
  const columns = plan.columns;
  let line = '';
  for (let index = 0; index < columns.length; index++) {
    const from = columns[index]?.from;
    let value: Value | undefined;
    if (from?.kind === 'source') {
      const name = plan.params[from.param] ?? '';
      if (!(name in row)) return undefined;
      value = row[name];
    } else if (from?.kind === 'constant') value = from.value;
    if (index > 0) line += '\t';
    line += value === null || value === undefined ? '\\N' : escapeCopy(value);
  }
  return line + '\n';
}

/*
 * The pass-through of the initial copy: for a plain mapping (renames, subsets, constants; no
 * computed column, cast or filter) whose carried columns have the same type in source and
 * target, the source's `COPY (SELECT <target-ordered columns> ...) TO STDOUT` text goes
 * byte for byte into the target's `COPY target (columns) FROM STDIN`. Text format is the type's
 * output function on one side and its input function on the other (PostgreSQL docs, "COPY",
 * File Formats / Text Format), so equal types keep values exact without parsing any row.
 * Constants are selected as text literals: the target's input function reads them, exactly as
 * the mapped COPY path (copyLine) writes them.
 */

export interface PassThroughSelect {
  /** SQL of each target column over the source table, in the plan's column order. */
  select: string[];
  /** Position in `select` of each snapshot key column, in key order. */
  keyFields: number[];
}

/**
 * The source select list of a pass-through copy, or undefined when the table must take the
 * mapped path: not copyable, a source column whose type differs from its target column
 * (`sourceTypes`: format_type by source column), or a snapshot key column not carried as it is.
 */
export function passThroughSelect(
  plan: TablePlan,
  sourceTypes: ReadonlyMap<string, string>,
  snapshotKey: readonly string[],
): PassThroughSelect | undefined {
  if (!copyable(plan) || snapshotKey.length === 0) return undefined;
  const select: string[] = [];
  const carried = new Map<string, number>();
  for (const column of plan.columns) {
    if (column.from.kind === 'source') {
      const name = plan.params[column.from.param];
      if (name === undefined || sourceTypes.get(name) !== column.type) return undefined;
      if (!carried.has(name)) carried.set(name, select.length);
      select.push(quoteIdent(name));
    } else if (column.from.kind === 'constant') {
      select.push(`${quoteLiteral(column.from.value)}::text`);
    } else return undefined;
  }
  const keyFields: number[] = [];
  for (const name of snapshotKey) {
    const index = carried.get(name);
    if (index === undefined) return undefined;
    keyFields.push(index);
  }
  return { select, keyFields };
}

/** Writes raw COPY text into the plan's target table (inside the caller's transaction). */
export async function copyRawInto(client: pg.ClientBase, plan: TablePlan, data: readonly Buffer[]): Promise<void> {
  await pipeline(Readable.from(data), client.query(copyStreams.from(copyFromSql(plan))));
}
