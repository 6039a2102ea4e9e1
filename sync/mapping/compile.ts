/**
 * Compiles one table mapping (config) against the source relation and the target table into a
 * TablePlan, once per relation shape: which source values are bound per row, the SQL
 * expression that produces each target column from them, the key, and the filter. Pure.
 */
import { StranglerError } from '../../common/errors.js';
import type { Relation } from '../change.js';
import type { TableMapping } from '../config/schema.js';
import { splitTableName } from '../config/load.js';
import { quoteIdent, quoteLiteral, referencedColumns, rewriteReferences } from './expression.js';
import { builtinTypeName } from './source-types.js';

export interface TargetColumn {
  name: string;
  /** format_type() of the column, e.g. `numeric(12,4)`, `timestamp with time zone`, `"mood"`. */
  type: string;
}

export interface TargetTable {
  schema: string;
  table: string;
  columns: readonly TargetColumn[];
  /** The target's primary key columns, when it has one: the default key of the mapping. */
  primaryKey?: readonly string[];
}

export interface PlannedColumn {
  /** Target column name. */
  name: string;
  /** SQL producing the value from the bound row `s`: `base` cast to `type`. */
  sql: string;
  /** The expression before the cast to the target column type. */
  base: string;
  /** The target column's type. */
  type: string;
  /** Indexes into `params` this column needs (a missing TOAST value drops the column from a statement). */
  needs: readonly number[];
  /** How the value is made: a source value as it is (`param`), a constant, or an expression. */
  from: { kind: 'source'; param: number } | { kind: 'constant'; value: string } | { kind: 'expression' };
}

export interface PlannedKey {
  column: string;
  type: string;
  /** Index into `params` of the source column that carries it. */
  param: number;
}

export interface TablePlan {
  readonly source: { schema: string; table: string };
  readonly target: { schema: string; table: string };
  /** `"schema"."table"` of the target. */
  readonly targetSql: string;
  /** Source columns bound per row, in order (`s."<name>"` in the SQL). */
  readonly params: readonly string[];
  readonly columns: readonly PlannedColumn[];
  readonly key: readonly PlannedKey[];
  readonly filter?: { sql: string; needs: readonly number[] };
  /** Source columns the mapping would carry but the target lacks (the schema-change policy decides). */
  readonly missingInTarget: readonly { source: string; target: string; typeOid: number }[];
  /** The relation it was compiled for. */
  readonly relation: Relation;
}

export interface CompileOptions {
  /** Source columns the schema-change policy said to leave out (policy `ignore`). */
  ignoreColumns?: readonly string[];
}

const mappingError = (mapping: TableMapping, message: string): StranglerError =>
  new StranglerError('SYNC_MAPPING_INVALID', `tables entry for ${mapping.source}: ${message}`);

export function compileTablePlan(mapping: TableMapping, relation: Relation, target: TargetTable, options: CompileOptions = {}): TablePlan {
  const sourceColumns = new Map(relation.columns.map((column) => [column.name, column]));
  const targetColumns = new Map(target.columns.map((column) => [column.name, column]));
  const params: string[] = [];
  const param = (name: string): number => {
    if (!sourceColumns.has(name)) {
      throw mappingError(
        mapping,
        `refers to source column ${name}, which ${relation.schema}.${relation.table} does not have (it has ${[...sourceColumns.keys()].join(', ')}).`,
      );
    }
    const existing = params.indexOf(name);
    if (existing !== -1) return existing;
    params.push(name);
    return params.length - 1;
  };
  const ref = (index: number): string => `s.${quoteIdent(params[index] ?? '')}`;
  const typedRef = (index: number): string => {
    const type = builtinTypeName(sourceColumns.get(params[index] ?? '')?.typeOid ?? 0);
    return type === undefined ? ref(index) : `${ref(index)}::${type}`;
  };
  const targetType = (name: string, what: string): string => {
    const column = targetColumns.get(name);
    if (!column) throw mappingError(mapping, `${what} target column ${name}, which ${target.schema}.${target.table} does not have.`);
    return column.type;
  };
  const expression = (text: string): { sql: string; needs: number[] } => {
    const needs = referencedColumns(text).map(param);
    return { sql: rewriteReferences(text, (name) => `(${typedRef(param(name))})`), needs };
  };

  for (const name of [
    ...(mapping.include ?? []),
    ...(mapping.exclude ?? []),
    ...Object.keys(mapping.columns),
    ...Object.keys(mapping.casts),
  ]) {
    if (!sourceColumns.has(name)) param(name);
  }

  const ignored = new Set(options.ignoreColumns ?? []);
  const carried = (mapping.include ?? relation.columns.map((column) => column.name)).filter(
    (name) => !(mapping.exclude ?? []).includes(name) && !ignored.has(name),
  );
  const columns: PlannedColumn[] = [];
  const missingInTarget: TablePlan['missingInTarget'][number][] = [];
  const directSource = new Map<string, number>();
  for (const sourceName of carried) {
    const name = mapping.columns[sourceName] ?? sourceName;
    const column = targetColumns.get(name);
    if (!column) {
      missingInTarget.push({ source: sourceName, target: name, typeOid: sourceColumns.get(sourceName)?.typeOid ?? 0 });
      continue;
    }
    const index = param(sourceName);
    const cast = mapping.casts[sourceName];
    const base = cast === undefined ? ref(index) : `(${typedRef(index)})::${cast}`;
    columns.push({
      name,
      sql: `${base}::${column.type}`,
      base,
      type: column.type,
      needs: [index],
      from: cast === undefined ? { kind: 'source', param: index } : { kind: 'expression' },
    });
    if (cast === undefined) directSource.set(name, index);
  }
  for (const [name, value] of Object.entries(mapping.constants)) {
    const type = targetType(name, 'constant for');
    columns.push({
      name,
      sql: `${quoteLiteral(value)}::${type}`,
      base: quoteLiteral(value),
      type,
      needs: [],
      from: { kind: 'constant', value },
    });
  }
  for (const [name, text] of Object.entries(mapping.computed)) {
    const computed = expression(text);
    const type = targetType(name, 'computed value for');
    columns.push({
      name,
      sql: `(${computed.sql})::${type}`,
      base: `(${computed.sql})`,
      type,
      needs: computed.needs,
      from: { kind: 'expression' },
    });
  }

  // The key: the mapping's, else the target's primary key, else the source's replica identity
  // through the renames (not under REPLICA IDENTITY FULL, where every column is flagged).
  const identity =
    relation.replicaIdentity === 'f'
      ? []
      : relation.columns.filter((column) => column.isKey).map((column) => mapping.columns[column.name] ?? column.name);
  const keyNames = mapping.key ?? (target.primaryKey && target.primaryKey.length > 0 ? target.primaryKey : identity);
  if (keyNames.length === 0) {
    throw mappingError(
      mapping,
      `${relation.schema}.${relation.table} has no primary key or replica identity; add one, or give the target key with \`key: [...]\`.`,
    );
  }
  const key = keyNames.map((column): PlannedKey => {
    const index = directSource.get(column);
    if (index === undefined) {
      throw mappingError(mapping, `key column ${column} must be a carried source column (renamed or same name, without a cast).`);
    }
    return { column, type: targetType(column, 'key'), param: index };
  });

  const filter = mapping.filter === undefined ? undefined : expression(mapping.filter);
  const source = splitTableName(mapping.source);
  const targetName = splitTableName(mapping.target);
  return {
    source,
    target: targetName,
    targetSql: `${quoteIdent(targetName.schema)}.${quoteIdent(targetName.table)}`,
    params,
    columns,
    key,
    ...(filter ? { filter: { sql: `coalesce((${filter.sql}), false)`, needs: filter.needs } } : {}),
    missingInTarget,
    relation,
  };
}

/** True when the key's source columns are the relation's replica identity, so a delete's old row carries them. */
export function keyIsReplicaIdentity(plan: TablePlan): boolean {
  if (plan.relation.replicaIdentity === 'f') return true;
  const identity = new Set(plan.relation.columns.filter((column) => column.isKey).map((column) => column.name));
  return plan.key.every((key) => identity.has(plan.params[key.param] ?? ''));
}
