/**
 * `strangler sync verify`: proves the target holds what the mapping makes of the source. Per
 * table: row counts and one hash of each side's mapped projection; when they differ, hashes
 * over key ranges (bounds taken from the source's keys), bisecting the differing ranges until
 * they are small, then the differing rows themselves: missing in the target, extra in the
 * target, or different (with the columns that differ).
 *
 * Run it while writes are paused, or run it again: a row written between the two reads shows
 * as a difference. Rows the service wrote itself in the target show as extra.
 */
import pg from 'pg';
import { silentLogger, type Logger } from '../../common/logger.js';
import { splitTableName, type SyncUrls } from '../config/load.js';
import type { SyncConfig, TableMapping } from '../config/schema.js';
import { compileTablePlan, type TablePlan } from '../mapping/compile.js';
import { carriedColumns, carries, withoutColumns } from '../sink/planner.js';
import { readTargetTable } from '../sink/target-catalog.js';
import { sqlState } from '../sink/target-errors.js';
import { describeTable } from '../source/index.js';
import { boundsSql, hashSql, rowsSql, sourceProjection, targetProjection, type KeyRange, type Projection } from './projection.js';

export interface RowKey {
  /** Target key column -> value text. */
  key: Record<string, string | null>;
}

export interface ColumnDifference {
  column: string;
  source: string | null;
  target: string | null;
}

export interface TableVerification {
  source: string;
  target: string;
  sourceRows: number;
  targetRows: number;
  equal: boolean;
  rangesHashed: number;
  missing: RowKey[];
  extra: RowKey[];
  different: Array<RowKey & { columns: ColumnDifference[] }>;
  /** Counts of differing rows found (the lists above stop at the listing limit). */
  counts: { missing: number; extra: number; different: number };
  /** Source columns the mapping carries that the target lacks (not compared). */
  notCompared: string[];
  /**
   * Carried source columns the source no longer has (dropped there): their target columns get no
   * new values and are not compared. Known from the mapping's names and the sink's record of what
   * it carried.
   */
  droppedInSource: Array<{ source: string; target: string }>;
  /**
   * Carried columns with source values their target column's type rejects (a source column whose
   * type changed, say): not compared, and the table counts as different.
   */
  uncastable: Array<{ column: string; type: string; error: string }>;
}

export interface VerifyReport {
  equal: boolean;
  tables: TableVerification[];
  durationMs: number;
}

export interface VerifyOptions {
  config: Readonly<SyncConfig>;
  urls: SyncUrls;
  /** Ranges at most this many rows are listed row by row (default 1,000). */
  rowsPerLeaf?: number;
  /** How many sub-ranges a differing range is cut into (default 8). */
  fanOut?: number;
  /** Differing rows listed per table and kind (default 100). */
  listLimit?: number;
  logger?: Logger;
}

const SESSION =
  "SET TimeZone = 'UTC'; SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 1; SET bytea_output = hex";

export async function verifySync(options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const source = new pg.Client({ connectionString: options.urls.sourceUrl });
  const target = new pg.Client({ connectionString: options.urls.targetUrl });
  await source.connect();
  try {
    await target.connect();
    try {
      for (const client of [source, target]) {
        await client.query(SESSION);
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      }
      const tables: TableVerification[] = [];
      for (const mapping of options.config.tables) tables.push(await verifyTable(mapping, source, target, options));
      return { equal: tables.every((table) => table.equal), tables, durationMs: Date.now() - started };
    } finally {
      await target.end().catch(() => undefined);
    }
  } finally {
    await source.end().catch(() => undefined);
  }
}

async function verifyTable(
  mapping: TableMapping,
  source: pg.Client,
  target: pg.Client,
  options: VerifyOptions,
): Promise<TableVerification> {
  const logger = options.logger ?? silentLogger;
  const sourceName = splitTableName(mapping.source);
  const targetName = splitTableName(mapping.target);
  const info = await describeTable(source, sourceName);
  const targetInfo = await readTargetTable(target, targetName.schema, targetName.table);
  const sourceText = `${sourceName.schema}.${sourceName.table}`;
  const targetText = `${targetName.schema}.${targetName.table}`;
  const dropped = droppedColumns(mapping, info.relation.columns, targetInfo, await carriedColumns(target, sourceText, targetText));
  let plan = compileTablePlan(withoutColumns(mapping, [...dropped.keys()]), info.relation, targetInfo);
  const known = new Map<string, boolean>();
  for (const column of plan.columns) {
    if (known.has(column.type)) continue;
    const result = await source.query<{ ok: boolean }>('SELECT to_regtype($1) IS NOT NULL AS ok', [column.type]);
    known.set(column.type, result.rows[0]?.ok ?? false);
  }
  const typeExists = (type: string): boolean => known.get(type) ?? false;
  const result: TableVerification = {
    source: sourceText,
    target: targetText,
    sourceRows: 0,
    targetRows: 0,
    equal: true,
    rangesHashed: 0,
    missing: [],
    extra: [],
    different: [],
    counts: { missing: 0, extra: 0, different: 0 },
    notCompared: plan.missingInTarget.map((column) => column.source),
    droppedInSource: [...dropped].map(([name, column]) => ({ source: name, target: column })),
    uncastable: [],
  };
  const sidesOf = (of: TablePlan): Side[] => [
    { client: source, projection: sourceProjection(of, typeExists) },
    { client: target, projection: targetProjection(of) },
  ];
  let sides = sidesOf(plan);
  // Hashing the whole table casts every source value to its target type. When one does not cast,
  // the columns that fail are found and left out, and the table counts as different.
  let whole = await underSavepoint(source, () => hashBoth(sides, plan, {}));
  if (whole instanceof Error) {
    result.uncastable = await castFailures(source, plan, typeExists, whole);
    const failed = new Set(result.uncastable.map((failure) => failure.column));
    plan = { ...plan, columns: plan.columns.filter((column) => !failed.has(column.name)) };
    result.equal = false;
    logger.warn('verify: source values the target column type rejects', { table: sourceText, columns: [...failed].join(', ') });
    sides = sidesOf(plan);
    whole = await hashBoth(sides, plan, {});
  }
  result.rangesHashed++;
  result.sourceRows = whole[0].n;
  result.targetRows = whole[1].n;
  if (whole[0].n === whole[1].n && whole[0].h === whole[1].h) return result;
  // (A table with uncastable columns is already unequal; its rows are still compared on the rest.)
  result.equal = false;
  await bisect(sides, plan, {}, whole, result, options);
  logger.info('verify found differences', { table: result.source, ...result.counts });
  return result;
}

/**
 * Carried source columns the source no longer has, with their target columns: those the mapping
 * names (include, a rename, a cast) and those the sink's record says it carried, when the target
 * still has the column and the mapping would carry it.
 */
function droppedColumns(
  mapping: TableMapping,
  columns: readonly { name: string }[],
  target: { columns: readonly { name: string }[] },
  carried: ReadonlyMap<string, string>,
): Map<string, string> {
  const present = new Set(columns.map((column) => column.name));
  const inTarget = new Set(target.columns.map((column) => column.name));
  const dropped = new Map<string, string>();
  for (const name of [...(mapping.include ?? []), ...Object.keys(mapping.columns), ...Object.keys(mapping.casts)])
    if (!present.has(name)) dropped.set(name, mapping.columns[name] ?? name);
  for (const [name, column] of carried) if (!present.has(name) && inTarget.has(column) && carries(mapping, name)) dropped.set(name, column);
  return dropped;
}

const SAVEPOINT = 'strangler_verify_cast';

/** PostgreSQL's class 22, data exception: a value the type rejects (invalid input, out of range). */
const isDataException = (error: unknown): boolean => sqlState(error)?.startsWith('22') === true;

/**
 * Runs `work` (queries of the source) under a savepoint: a data exception rolls back to it, so
 * the snapshot's transaction lives on, and is returned; other errors are thrown.
 */
async function underSavepoint<T>(source: pg.Client, work: () => Promise<T>): Promise<T | Error> {
  await source.query(`SAVEPOINT ${SAVEPOINT}`);
  try {
    const value = await work();
    await source.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return value;
  } catch (error) {
    await source.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    if (!isDataException(error) || !(error instanceof Error)) throw error;
    return error;
  }
}

/**
 * The planned columns whose source values do not all cast to their target column's type, each
 * with the first error: one query per column, each under a savepoint. `failure` is the error of
 * the whole table's hash; it stands when no single column explains it (a key's cast).
 */
async function castFailures(
  source: pg.Client,
  plan: TablePlan,
  typeExists: (type: string) => boolean,
  failure: Error,
): Promise<TableVerification['uncastable']> {
  const failures: TableVerification['uncastable'] = [];
  for (const column of plan.columns) {
    const query = hashSql(sourceProjection({ ...plan, columns: [column] }, typeExists), 1, {});
    const outcome = await underSavepoint(source, () => source.query(query.text, query.values));
    if (outcome instanceof Error) failures.push({ column: column.name, type: column.type, error: outcome.message });
  }
  if (failures.length === 0) throw failure;
  return failures;
}

interface Side {
  client: pg.Client;
  projection: Projection;
}

interface Hash {
  n: number;
  h: string;
}

async function hashBoth(sides: Side[], plan: TablePlan, range: KeyRange): Promise<[Hash, Hash]> {
  const read = async (side: Side): Promise<Hash> => {
    const query = hashSql(side.projection, plan.columns.length, range);
    const row = (await side.client.query<{ n: string; h: string }>(query.text, query.values)).rows[0];
    return { n: Number(row?.n ?? 0), h: row?.h ?? '' };
  };
  const [a, b] = sides;
  if (!a || !b) throw new Error('verify needs two sides');
  return [await read(a), await read(b)];
}

async function bisect(
  sides: Side[],
  plan: TablePlan,
  range: KeyRange,
  hashes: [Hash, Hash],
  result: TableVerification,
  options: VerifyOptions,
): Promise<void> {
  const leaf = options.rowsPerLeaf ?? 1_000;
  const [sourceSide] = sides;
  if (!sourceSide) return;
  if (Math.max(hashes[0].n, hashes[1].n) <= leaf || hashes[0].n < (options.fanOut ?? 8) * 2) {
    await diffRows(sides, plan, range, result, options);
    return;
  }
  const step = Math.ceil(hashes[0].n / (options.fanOut ?? 8));
  const query = boundsSql(sourceSide.projection, range, step);
  const bounds = (await sourceSide.client.query<Record<string, string | null>>(query.text, query.values)).rows.map((row) =>
    plan.key.map((_, index) => row[`k${index}`] ?? null),
  );
  let after = range.after;
  const pieces: KeyRange[] = [];
  for (const bound of bounds) {
    pieces.push({ ...(after ? { after } : {}), upTo: bound });
    after = bound;
  }
  pieces.push({ ...(after ? { after } : {}), ...(range.upTo ? { upTo: range.upTo } : {}) });
  for (const piece of pieces) {
    const sub = await hashBoth(sides, plan, piece);
    result.rangesHashed++;
    if (sub[0].n === sub[1].n && sub[0].h === sub[1].h) continue;
    await bisect(sides, plan, piece, sub, result, options);
  }
}

async function diffRows(sides: Side[], plan: TablePlan, range: KeyRange, result: TableVerification, options: VerifyOptions): Promise<void> {
  const limit = Math.max(options.rowsPerLeaf ?? 1_000, 1) * 4;
  const read = async (side: Side): Promise<Map<string, { key: (string | null)[]; columns: (string | null)[] }>> => {
    const query = rowsSql(side.projection, plan.columns.length, range, limit);
    const rows = await side.client.query<{ k: (string | null)[]; c: (string | null)[] }>(query.text, query.values);
    return new Map(rows.rows.map((row) => [JSON.stringify(row.k), { key: row.k, columns: row.c }]));
  };
  const [a, b] = sides;
  if (!a || !b) return;
  const inSource = await read(a);
  const inTarget = await read(b);
  const listLimit = options.listLimit ?? 100;
  const keyOf = (values: (string | null)[]): RowKey => ({
    key: Object.fromEntries(plan.key.map((key, index) => [key.column, values[index] ?? null])),
  });
  for (const [id, row] of inSource) {
    const other = inTarget.get(id);
    if (!other) {
      result.counts.missing++;
      if (result.missing.length < listLimit) result.missing.push(keyOf(row.key));
      continue;
    }
    const columns: ColumnDifference[] = [];
    plan.columns.forEach((column, index) => {
      const s = row.columns[index] ?? null;
      const t = other.columns[index] ?? null;
      if (s !== t) columns.push({ column: column.name, source: s, target: t });
    });
    if (columns.length > 0) {
      result.counts.different++;
      if (result.different.length < listLimit) result.different.push({ ...keyOf(row.key), columns });
    }
  }
  for (const [id, row] of inTarget) {
    if (inSource.has(id)) continue;
    result.counts.extra++;
    if (result.extra.length < listLimit) result.extra.push(keyOf(row.key));
  }
}
