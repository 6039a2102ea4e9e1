/**
 * The initial copy's fast path: when a table's mapping only renames, subsets and adds constants
 * (no computed column, cast or filter) and its target table was empty when the copy of that
 * table began, its chunks go in with `COPY target (columns) FROM STDIN` (text format) instead of
 * upserts, as PostgreSQL's own table synchronisation does. COPY feeds each value to the column
 * type's input function, exactly like the `::type` casts of the upsert path.
 * Text format escapes (PostgreSQL docs, "COPY", File Formats / Text Format): backslash, newline,
 * carriage return and tab are written as \\, \n, \r, \t; NULL is \N.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { TablePlan } from '../mapping/compile.js';
import { quoteIdent } from '../mapping/expression.js';
import type { PutOperation } from '../mapping/operations.js';

/** True when every target column is a source value as it is or a constant. */
export function copyable(plan: TablePlan): boolean {
  return !plan.filter && plan.columns.every((column) => column.from.kind !== 'expression');
}

const SPECIAL = /[\\\n\r\t]/;

function escapeCopy(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

export async function copyRows(client: pg.ClientBase, plan: TablePlan, rows: readonly PutOperation[]): Promise<void> {
  const lines: string[] = [];
  for (const row of rows) {
    const fields = plan.columns.map((column) => {
      const value =
        column.from.kind === 'source' ? row.values[column.from.param] : column.from.kind === 'constant' ? column.from.value : undefined;
      return value === null || value === undefined ? '\\N' : escapeCopy(value);
    });
    lines.push(fields.join('\t'));
  }
  if (lines.length === 0) return;
  const columns = plan.columns.map((column) => quoteIdent(column.name)).join(', ');
  await pipeline(
    Readable.from([lines.join('\n') + '\n']),
    client.query(copyStreams.from(`COPY ${plan.targetSql} (${columns}) FROM STDIN`)),
  );
}
