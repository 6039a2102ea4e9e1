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
import type { TablePlan } from '../mapping/compile.js';
import { quoteIdent } from '../mapping/expression.js';
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
