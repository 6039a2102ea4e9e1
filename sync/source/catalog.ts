/**
 * Tables as the catalog describes them, in the same shape as a pgoutput Relation message:
 * the columns pgoutput publishes (not dropped, not generated, in attnum order) with the
 * replica identity columns flagged as keys, plus the primary key for ordered snapshots.
 */
import type pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import type { Relation } from '../change.js';

export interface TableName {
  schema: string;
  table: string;
}

export interface TableInfo {
  relation: Relation;
  /** Primary key columns in key order ([] when there is none). */
  primaryKey: string[];
  /** Columns that order and chunk the snapshot: the primary key, else the replica identity index ([] = no usable key). */
  snapshotKey: string[];
  /** A partitioned table: its rows live in the partitions (published under the root, see ensurePublication). */
  partitioned: boolean;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

/** `orders` → public.orders, `sales.orders` → sales.orders. Quoted names are not supported. */
export function parseTableName(name: string): TableName {
  const parts = name.split('.');
  if (parts.length === 1 && parts[0]) return { schema: 'public', table: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { schema: parts[0], table: parts[1] };
  throw new StranglerError('SYNC_BAD_TABLE_NAME', `${JSON.stringify(name)} is not a table name; write table or schema.table.`);
}

export function qualified(name: TableName): string {
  return `${quoteIdent(name.schema)}.${quoteIdent(name.table)}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface CatalogRow {
  oid: number;
  replident: string;
  partitioned: boolean;
  columns: Array<{ name: string; typeOid: number }> | null;
  pk: string[] | null;
  identity_index: string[] | null;
}

const TABLE_SQL = `
SELECT c.oid::int4 AS oid, c.relreplident::text AS replident, c.relkind = 'p' AS partitioned,
  (SELECT json_agg(json_build_object('name', a.attname, 'typeOid', a.atttypid::int8) ORDER BY a.attnum)
     FROM pg_attribute a
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns,
  (SELECT array_agg(a.attname::text ORDER BY k.ord)
     FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord), pg_attribute a
    WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid AND a.attnum = k.attnum) AS pk,
  (SELECT array_agg(a.attname::text ORDER BY k.ord)
     FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord), pg_attribute a
    WHERE i.indrelid = c.oid AND i.indisreplident AND a.attrelid = c.oid AND a.attnum = k.attnum) AS identity_index
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`;

/** Reads one table; throws SYNC_TABLE_MISSING when it does not exist. */
export async function describeTable(client: Queryable, name: TableName): Promise<TableInfo> {
  const result = await client.query<CatalogRow>(TABLE_SQL, [name.schema, name.table]);
  const row = result.rows[0];
  if (!row) {
    throw new StranglerError(
      'SYNC_TABLE_MISSING',
      `Table ${name.schema}.${name.table} does not exist in the source database. Check the table name in the sync config (schema.table) and the database in the connection.`,
      { details: { ...name } },
    );
  }
  const identity = row.replident === 'n' || row.replident === 'f' || row.replident === 'i' ? row.replident : 'd';
  const primaryKey = row.pk ?? [];
  const identityIndex = row.identity_index ?? [];
  const keyColumns = new Set(identity === 'd' ? primaryKey : identity === 'i' ? identityIndex : []);
  const columns = (row.columns ?? []).map((column) => ({
    name: column.name,
    typeOid: Number(column.typeOid),
    isKey: identity === 'f' || keyColumns.has(column.name),
  }));
  return {
    relation: { oid: row.oid >>> 0, schema: name.schema, table: name.table, replicaIdentity: identity, columns },
    primaryKey,
    snapshotKey: primaryKey.length > 0 ? primaryKey : identityIndex,
    partitioned: row.partitioned,
  };
}

/**
 * Throws SYNC_NO_PRIMARY_KEY when updates and deletes of the table could not be replicated:
 * no replica identity (NOTHING, or DEFAULT without a primary key).
 */
export function assertReplicable(info: TableInfo): void {
  const { relation, primaryKey } = info;
  const missing = relation.replicaIdentity === 'n' || (relation.replicaIdentity === 'd' && primaryKey.length === 0);
  if (!missing) return;
  const name = `${relation.schema}.${relation.table}`;
  throw new StranglerError(
    'SYNC_NO_PRIMARY_KEY',
    `Table ${name} has no primary key and no replica identity, so its updates and deletes cannot be replicated. Add a primary key (\`ALTER TABLE ${qualified(relation)} ADD PRIMARY KEY (...)\`), or run \`ALTER TABLE ${qualified(relation)} REPLICA IDENTITY FULL\`.`,
    { details: { schema: relation.schema, table: relation.table } },
  );
}
