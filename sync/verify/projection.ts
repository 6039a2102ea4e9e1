/**
 * The mapped projection of one table, as SQL for each side: in the source, the mapping's own
 * expressions over the source row (the same ones the sink runs in the target), in the target,
 * the target columns. Both sides yield the target key (typed, so both order alike) and every
 * mapped column as text, so a row hashes to the same text on both sides exactly when the sync
 * stored what the mapping says.
 */
import type { TablePlan } from '../mapping/compile.js';
import { quoteIdent } from '../mapping/expression.js';

export interface Projection {
  /** SELECT yielding k0..kn (typed key), c0..cm (column texts). */
  sql: string;
  keyTypes: readonly string[];
}

const COLLATABLE = /^(text|character varying|character|citext|name)\b/;

/** `key` cast to its type, ordered byte-wise when it is text-like (the two servers may have other collations). */
function orderable(expression: string, type: string): string {
  return COLLATABLE.test(type) ? `(${expression})::${type} COLLATE "C"` : `(${expression})::${type}`;
}

export function sourceProjection(plan: TablePlan, typeExists: (type: string) => boolean): Projection {
  const table = `${quoteIdent(plan.source.schema)}.${quoteIdent(plan.source.table)}`;
  const inner = plan.params.map((name) => `${quoteIdent(name)}::text AS ${quoteIdent(name)}`).join(', ');
  const keys = plan.key.map((key, index) => `${orderable(`s.${quoteIdent(plan.params[key.param] ?? '')}`, key.type)} AS k${index}`);
  const columns = plan.columns.map((column, index) =>
    typeExists(column.type) ? `((${column.base})::${column.type})::text AS c${index}` : `(${column.base})::text AS c${index}`,
  );
  const where = plan.filter ? ` WHERE ${plan.filter.sql}` : '';
  return {
    sql: `SELECT ${[...keys, ...columns].join(', ')} FROM (SELECT ${inner} FROM ONLY ${table}) AS s${where}`,
    keyTypes: plan.key.map((key) => key.type),
  };
}

export function targetProjection(plan: TablePlan): Projection {
  const keys = plan.key.map((key, index) => `${orderable(`t.${quoteIdent(key.column)}`, key.type)} AS k${index}`);
  const columns = plan.columns.map((column, index) => `t.${quoteIdent(column.name)}::text AS c${index}`);
  return { sql: `SELECT ${[...keys, ...columns].join(', ')} FROM ONLY ${plan.targetSql} AS t`, keyTypes: plan.key.map((key) => key.type) };
}

export interface KeyRange {
  /** Exclusive lower bound (key texts), or undefined for the start. */
  after?: readonly (string | null)[];
  /** Inclusive upper bound, or undefined for the end. */
  upTo?: readonly (string | null)[];
}

/** ` WHERE (k0, k1) > ($1, $2) AND (k0, k1) <= ($3, $4)` over a projection `p`, with its parameters. */
export function rangeFilter(projection: Projection, range: KeyRange, firstParam = 1): { sql: string; values: (string | null)[] } {
  const keys = projection.keyTypes.map((_, index) => `p.k${index}`).join(', ');
  const values: (string | null)[] = [];
  const bound = (tuple: readonly (string | null)[]): string =>
    `(${tuple
      .map((value, index) => {
        values.push(value);
        const type = projection.keyTypes[index] ?? 'text';
        return COLLATABLE.test(type)
          ? `$${firstParam + values.length - 1}::${type} COLLATE "C"`
          : `$${firstParam + values.length - 1}::${type}`;
      })
      .join(', ')})`;
  const parts: string[] = [];
  if (range.after) parts.push(`(${keys}) > ${bound(range.after)}`);
  if (range.upTo) parts.push(`(${keys}) <= ${bound(range.upTo)}`);
  return { sql: parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`, values };
}

/** count and md5 of the rows of a range, in key order. */
export function hashSql(projection: Projection, columns: number, range: KeyRange): { text: string; values: (string | null)[] } {
  const filter = rangeFilter(projection, range);
  const keys = projection.keyTypes.map((_, index) => `p.k${index}`).join(', ');
  const row = Array.from({ length: columns }, (_, index) => `quote_nullable(p.c${index})`).join(", ',', ");
  const rowText = columns === 0 ? "''" : `concat(${row})`;
  return {
    text: `SELECT count(*)::bigint::text AS n, coalesce(md5(string_agg(${rowText}, E'\\n' ORDER BY ${keys})), '') AS h FROM (${projection.sql}) AS p${filter.sql}`,
    values: filter.values,
  };
}

/** Every `step`-th key of a range (in key order): the bounds of its sub-ranges. */
export function boundsSql(projection: Projection, range: KeyRange, step: number): { text: string; values: (string | null)[] } {
  const filter = rangeFilter(projection, range);
  const keys = projection.keyTypes.map((_, index) => `p.k${index}`).join(', ');
  const texts = projection.keyTypes.map((_, index) => `q.k${index}::text AS k${index}`).join(', ');
  return {
    text: `SELECT ${texts} FROM (SELECT ${keys}, row_number() OVER (ORDER BY ${keys}) AS rn FROM (${projection.sql}) AS p${filter.sql}) AS q WHERE q.rn % ${step} = 0 ORDER BY q.rn`,
    values: filter.values,
  };
}

/** The rows of a range, key texts and column texts, in key order. */
export function rowsSql(
  projection: Projection,
  columns: number,
  range: KeyRange,
  limit: number,
): { text: string; values: (string | null)[] } {
  const filter = rangeFilter(projection, range);
  const keys = projection.keyTypes.map((_, index) => `p.k${index}`).join(', ');
  const keyTexts = projection.keyTypes.map((_, index) => `p.k${index}::text`).join(', ');
  const columnTexts = Array.from({ length: columns }, (_, index) => `p.c${index}`).join(', ');
  return {
    text: `SELECT ARRAY[${keyTexts}] AS k, ARRAY[${columnTexts || 'NULL::text'}]::text[] AS c FROM (${projection.sql}) AS p${filter.sql} ORDER BY ${keys} LIMIT ${limit}`,
    values: filter.values,
  };
}
