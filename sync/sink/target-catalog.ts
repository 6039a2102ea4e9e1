/** What the sink needs to know about a target table: its columns with their exact types, and its unique keys. */
import type pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import type { TargetTable } from '../mapping/compile.js';
import { quoteIdent } from '../mapping/expression.js';

export interface TargetTableInfo extends TargetTable {
  /** Column sets of the unique indexes without a predicate (possible ON CONFLICT targets). */
  uniqueKeys: string[][];
}

export async function readTargetTable(client: pg.ClientBase, schema: string, table: string): Promise<TargetTableInfo> {
  const name = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [name],
  );
  if (columns.rows.length === 0) {
    throw new StranglerError(
      'SYNC_TARGET_TABLE_MISSING',
      `The target table ${schema}.${table} does not exist (or has no columns). Create it first, e.g. by running the service's migrations.`,
    );
  }
  const keys = await client.query<{ columns: string[]; primary: boolean }>(
    `SELECT i.indisprimary AS primary, array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns
       FROM pg_index i WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`,
    [name],
  );
  const primary = keys.rows.find((row) => row.primary)?.columns;
  return {
    schema,
    table,
    columns: columns.rows,
    uniqueKeys: keys.rows.map((row) => row.columns),
    ...(primary ? { primaryKey: primary } : {}),
  };
}

export function assertKeyIsUnique(info: TargetTableInfo, key: readonly string[]): void {
  const wanted = [...key].sort().join(',');
  if (info.uniqueKeys.some((columns) => [...columns].sort().join(',') === wanted)) return;
  throw new StranglerError(
    'SYNC_TARGET_NO_KEY',
    `The target table ${info.schema}.${info.table} has no primary key or unique index on (${key.join(', ')}), which the sync upserts by. ` +
      `Add one (ALTER TABLE ${quoteIdent(info.schema)}.${quoteIdent(info.table)} ADD PRIMARY KEY (${key.map(quoteIdent).join(', ')})), or set the mapping's key.`,
  );
}
