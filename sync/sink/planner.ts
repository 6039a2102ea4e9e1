/**
 * Turns a source relation into its TablePlan, inside the sink's open target transaction: finds
 * the mapping, reads the target table once, and applies the schema-change policy (never silent
 * loss) to source columns the target lacks (add the column, ignore it, or stop), and, against the
 * source columns last carried (strangler_sync.source_columns, written with the rows), to a carried
 * column that was dropped or changed type (stop; otherwise warn once and keep going: the target
 * column keeps its values, or the value goes on as text, cast to the target's type).
 */
import type pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { Relation } from '../change.js';
import { splitTableName } from '../config/load.js';
import type { SchemaChangePolicy, TableMapping } from '../config/schema.js';
import { compileTablePlan, keyIsReplicaIdentity, type PlannedColumn, type TablePlan } from '../mapping/compile.js';
import { quoteIdent, quoteLiteral } from '../mapping/expression.js';
import { builtinTypeName } from '../mapping/source-types.js';
import { assertKeyIsUnique, readTargetTable, type TargetTableInfo } from './target-catalog.js';

/**
 * The exact source type of a column (format_type with its modifier), for ADD COLUMN, and the
 * value rows that existed before the source's ADD COLUMN read for it (pg_attribute.attmissingval:
 * those rows send no change, so the target must get the same value when it adds the column).
 */
export type SourceColumnType = (relation: Relation, column: string) => Promise<{ type: string; existingRowsValue: string | null }>;

export interface PlannerOptions {
  mappings: readonly TableMapping[];
  schemaChange: SchemaChangePolicy;
  sourceColumnType?: SourceColumnType;
  logger?: Logger;
}

export class Planner {
  private byRelation = new WeakMap<Relation, TablePlan | null>();
  private readonly bySource = new Map<string, TableMapping>();
  private readonly targets = new Map<string, TargetTableInfo>();
  private readonly ignored = new Map<string, string[]>();
  /** Column changes warned about (once per process). */
  private readonly warned = new Set<string>();
  private readonly logger: Logger;

  constructor(private readonly options: PlannerOptions) {
    this.logger = options.logger ?? silentLogger;
    for (const mapping of options.mappings) {
      const { schema, table } = splitTableName(mapping.source);
      this.bySource.set(`${schema}.${table}`, mapping);
    }
  }

  /** Forget what was read from the target (after a rollback or a reconnect). */
  reset(): void {
    this.targets.clear();
    this.byRelation = new WeakMap();
  }

  mappingFor(relation: Relation): TableMapping | undefined {
    return this.bySource.get(`${relation.schema}.${relation.table}`);
  }

  /** True when planFor(relation) answers from its cache (without a query). */
  isPlanned(relation: Relation): boolean {
    return this.byRelation.has(relation);
  }

  /** The plan for a relation, or null when the relation is not mapped. Cached per Relation object. */
  async planFor(client: pg.ClientBase, relation: Relation): Promise<TablePlan | null> {
    const cached = this.byRelation.get(relation);
    if (cached !== undefined) return cached;
    const mapping = this.mappingFor(relation);
    if (!mapping) {
      this.byRelation.set(relation, null);
      return null;
    }
    const plan = await this.compile(client, mapping, relation);
    this.byRelation.set(relation, plan);
    return plan;
  }

  private async target(client: pg.ClientBase, mapping: TableMapping): Promise<TargetTableInfo> {
    const { schema, table } = splitTableName(mapping.target);
    const key = `${schema}.${table}`;
    let info = this.targets.get(key);
    if (!info) {
      info = await readTargetTable(client, schema, table);
      this.targets.set(key, info);
    }
    return info;
  }

  private async compile(client: pg.ClientBase, configured: TableMapping, relation: Relation): Promise<TablePlan> {
    const sourceName = `${relation.schema}.${relation.table}`;
    let info = await this.target(client, configured);
    const target = splitTableName(configured.target);
    const targetName = `${target.schema}.${target.table}`;
    // A partial relation (one Debezium event's fields) says nothing about the table's columns.
    const history = relation.partial ? {} : await readHistory(client, sourceName, targetName);
    const changes = this.changedColumns(configured, relation, info, history);
    // A dropped column the mapping names (renamed, cast) is no longer the mapping's business.
    const mapping = withoutColumns(
      configured,
      changes.dropped.map((change) => change.source),
    );
    let plan = compileTablePlan(mapping, relation, info, { ignoreColumns: this.ignored.get(sourceName) ?? [] });
    if (plan.missingInTarget.length > 0) {
      const missing = plan.missingInTarget;
      const names = missing.map((column) => column.source).join(', ');
      if (this.options.schemaChange === 'stop') {
        throw new StranglerError(
          'SYNC_SCHEMA_CHANGED',
          `Source table ${sourceName} has column(s) ${names} that ${mapping.target} lacks. Add them to the target, exclude them in the mapping, ` +
            'or set schemaChange: add-column (or ignore) in the config; then start the sync again. Nothing past this change was applied.',
          { details: { table: sourceName, columns: missing.map((column) => column.source) } },
        );
      }
      if (this.options.schemaChange === 'ignore') {
        this.logger.warn('source columns not carried (schemaChange: ignore)', { table: sourceName, columns: names });
        this.ignored.set(sourceName, [...(this.ignored.get(sourceName) ?? []), ...missing.map((column) => column.source)]);
      } else {
        const typeOf = this.options.sourceColumnType;
        if (!typeOf)
          throw new StranglerError('SYNC_SCHEMA_CHANGED', `Cannot add ${names} to ${mapping.target}: the source column types are unknown.`);
        const { schema, table } = splitTableName(mapping.target);
        for (const column of missing) {
          const { type, existingRowsValue } = await typeOf(relation, column.source);
          const target = `${quoteIdent(schema)}.${quoteIdent(table)}`;
          if (existingRowsValue === null) {
            await client.query(`ALTER TABLE ${target} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.target)} ${type}`);
          } else {
            // Existing rows read the source's fast default; give them the same, then drop the default again.
            await client.query(
              `ALTER TABLE ${target} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.target)} ${type} DEFAULT ${quoteLiteral(existingRowsValue)}::${type}`,
            );
            await client.query(`ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(column.target)} DROP DEFAULT`);
          }
          this.logger.info('target column added (schemaChange: add-column)', { table: mapping.target, column: column.target, type });
        }
        this.targets.delete(`${schema}.${table}`);
        info = await this.target(client, mapping);
      }
      plan = compileTablePlan(mapping, relation, info, { ignoreColumns: this.ignored.get(sourceName) ?? [] });
    }
    plan = await this.keepChanged(client, plan, changes);
    assertKeyIsUnique(
      info,
      plan.key.map((key) => key.column),
    );
    if (!keyIsReplicaIdentity(plan)) {
      throw new StranglerError(
        'SYNC_REPLICA_IDENTITY',
        `${mapping.target} is keyed by (${plan.key.map((key) => key.column).join(', ')}), which is not ${sourceName}'s replica identity, so deletes would not carry it. ` +
          `Run ALTER TABLE ${quoteIdent(relation.schema)}.${quoteIdent(relation.table)} REPLICA IDENTITY FULL on the source.`,
      );
    }
    if (relation.columns.length > 0 && !relation.partial) {
      await writeHistory(
        client,
        sourceName,
        targetName,
        nextHistory(mapping, relation, info, history, changes, this.ignored.get(sourceName) ?? []),
      );
    }
    return plan;
  }

  /**
   * Carried source columns dropped, or of another type, since the rows last applied: `stop`
   * throws SYNC_SCHEMA_CHANGED (nothing past the change is applied), the other policies warn
   * once. `known` ones were accepted before (under ignore or add-column) and are not reported.
   */
  private changedColumns(mapping: TableMapping, relation: Relation, info: TargetTableInfo, history: History): ColumnChanges {
    const changes: ColumnChanges = { dropped: [], retyped: [] };
    if (relation.columns.length === 0) return changes;
    const sourceName = `${relation.schema}.${relation.table}`;
    const ignored = this.ignored.get(sourceName) ?? [];
    const targetTypes = new Map(info.columns.map((column) => [column.name, column.type]));
    const produced = new Set([...Object.keys(mapping.constants), ...Object.keys(mapping.computed)]);
    for (const column of relation.columns)
      if (carries(mapping, column.name, ignored)) produced.add(mapping.columns[column.name] ?? column.name);
    const present = new Map(relation.columns.map((column) => [column.name, column]));
    for (const [source, seen] of Object.entries(history)) {
      const targetType = seen.target === null ? undefined : targetTypes.get(seen.target);
      if (seen.target === null || targetType === undefined || !carries(mapping, source, ignored)) continue;
      const now = present.get(source);
      if (!now) {
        if (!produced.has(seen.target)) changes.dropped.push({ source, target: seen.target, targetType, known: seen.dropped === true });
      } else if (
        now.typeOid !== seen.typeOid &&
        sameTypeSystem(seen, relation) &&
        (mapping.columns[source] ?? source) === seen.target &&
        targetType === seen.targetType
      ) {
        changes.retyped.push({
          source,
          target: seen.target,
          targetType,
          from: seen.typeOid,
          to: now.typeOid,
          known: seen.acceptedTypeOid === now.typeOid,
        });
      }
    }
    const fresh = [...changes.dropped, ...changes.retyped].filter((change) => !change.known);
    if (fresh.length === 0) return changes;
    const what = fresh.map((change) => describe(sourceName, mapping.target, change)).join('; ');
    if (this.options.schemaChange === 'stop') {
      throw new StranglerError(
        'SYNC_SCHEMA_CHANGED',
        `${what}. Adapt the target (drop or alter the target column) or the mapping, or set schemaChange: ignore (or add-column) to go on: ` +
          'a dropped column then keeps its values in the target (new rows get its default), a changed type goes on as text cast to the target type; then start the sync again. Nothing past this change was applied.',
        {
          details: {
            table: sourceName,
            columns: fresh.map((change) => change.source),
            change: fresh.map((change) => ('from' in change ? 'type' : 'dropped')),
          },
        },
      );
    }
    for (const change of fresh) {
      const key = `${sourceName}.${change.source}:${'to' in change ? `type ${change.to}` : 'dropped'}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.logger.warn(`${describe(sourceName, mapping.target, change)} (schemaChange: ${this.options.schemaChange}: going on)`, {
        table: sourceName,
        column: change.source,
        change: 'to' in change ? 'type' : 'dropped',
      });
    }
    return changes;
  }

  /**
   * A changed type: the value goes on as text, checked against the target type so a rejected one
   * names the column. A dropped column that is NOT NULL without a default in the target: rows
   * that exist keep their value, a new row fails with a message saying why.
   */
  private async keepChanged(client: pg.ClientBase, plan: TablePlan, changes: ColumnChanges): Promise<TablePlan> {
    if (changes.dropped.length === 0 && changes.retyped.length === 0) return plan;
    const source = `${plan.source.schema}.${plan.source.table}`;
    const columns: PlannedColumn[] = [];
    for (const column of plan.columns) {
      const change = changes.retyped.find((retyped) => retyped.target === column.name);
      if (!change || column.from.kind !== 'source') {
        columns.push(column);
        continue;
      }
      const message =
        `Source column ${source}.${change.source} changed type (${typeName(change.from)} -> ${typeName(change.to)}), and target column ${plan.target.table}.${column.name} (${column.type}) rejects a value. ` +
        `Change the target column's type (ALTER TABLE ${plan.targetSql} ALTER COLUMN ${quoteIdent(column.name)} TYPE …) and start the sync again`;
      const base = `strangler_sync.schema_change_cast(s.${quoteIdent(change.source)}, ${quoteLiteral(column.type)}, ${quoteLiteral(message)})`;
      columns.push({ ...column, base, sql: `${base}::${column.type}`, from: { kind: 'expression' } });
    }
    for (const change of changes.dropped) {
      const attribute = await client.query<{ required: boolean }>(
        `SELECT attnotnull AND NOT atthasdef AND attidentity = '' AND attgenerated = '' AS required FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2`,
        [plan.targetSql, change.target],
      );
      if (attribute.rows[0]?.required !== true) continue;
      const message =
        `Source column ${source}.${change.source} was dropped, and target column ${plan.target.table}.${change.target} is NOT NULL without a default, so a new row cannot be inserted (rows that exist keep their value). ` +
        `Give it a default or drop NOT NULL (ALTER TABLE ${plan.targetSql} ALTER COLUMN ${quoteIdent(change.target)} DROP NOT NULL), or drop the column, then start the sync again`;
      const match = plan.key
        .map((key) => `kept.${quoteIdent(key.column)} = s.${quoteIdent(plan.params[key.param] ?? '')}::${key.type}`)
        .join(' AND ');
      const base = `coalesce((SELECT kept.${quoteIdent(change.target)} FROM ${plan.targetSql} AS kept WHERE ${match}), strangler_sync.schema_change_failure(${quoteLiteral(message)}, NULL::${change.targetType}))`;
      columns.push({
        name: change.target,
        base,
        sql: `${base}::${change.targetType}`,
        type: change.targetType,
        needs: plan.key.map((key) => key.param),
        from: { kind: 'expression' },
      });
    }
    if (columns.every((column, index) => column === plan.columns[index]) && columns.length === plan.columns.length) return plan;
    await ensureFunctions(client);
    return { ...plan, columns };
  }
}

/** What the target got from each source column when rows were last applied (strangler_sync.source_columns). */
interface ColumnHistory {
  typeOid: number;
  /** The target column it was carried to, and that column's type then (null: not carried). */
  target: string | null;
  targetType: string | null;
  /** Dropped in the source, kept in the target (accepted under ignore or add-column). */
  dropped?: true;
  /** Its type changed to this one, accepted under ignore or add-column (typeOid stays the one the target was made for). */
  acceptedTypeOid?: number;
  /** typeOid was read off a Debezium event's Kafka Connect schema (Relation.typesFrom). */
  connect?: true;
}

/** Types compare only when both were read the same way: a Connect string is a varchar and a text alike. */
const sameTypeSystem = (seen: ColumnHistory, relation: Relation): boolean => (seen.connect === true) === (relation.typesFrom === 'connect');
type History = Record<string, ColumnHistory>;

interface DroppedColumn {
  source: string;
  target: string;
  targetType: string;
  known: boolean;
}
interface RetypedColumn extends DroppedColumn {
  from: number;
  to: number;
}
interface ColumnChanges {
  dropped: DroppedColumn[];
  retyped: RetypedColumn[];
}

export const carries = (mapping: TableMapping, name: string, ignored: readonly string[] = []): boolean =>
  (mapping.include === undefined || mapping.include.includes(name)) && !(mapping.exclude ?? []).includes(name) && !ignored.includes(name);

const typeName = (oid: number): string => builtinTypeName(oid) ?? `type oid ${oid}`;

function describe(source: string, target: string, change: DroppedColumn | RetypedColumn): string {
  return 'to' in change
    ? `Source column ${source}.${change.source} changed type from ${typeName(change.from)} to ${typeName(change.to)}, and the mapping carries it to ${target}.${change.target} (${change.targetType})`
    : `Source column ${source}.${change.source} was dropped, and the mapping carries it to ${target}.${change.target}, which would get no new values`;
}

/** The mapping without any mention of these source columns (dropped in the source). */
export function withoutColumns(mapping: TableMapping, names: readonly string[]): TableMapping {
  if (names.length === 0) return mapping;
  const keep = (name: string): boolean => !names.includes(name);
  const pick = (record: Readonly<Record<string, string>>): Record<string, string> =>
    Object.fromEntries(Object.entries(record).filter(([name]) => keep(name)));
  return {
    ...mapping,
    columns: pick(mapping.columns),
    casts: pick(mapping.casts),
    ...(mapping.include ? { include: mapping.include.filter(keep) } : {}),
    ...(mapping.exclude ? { exclude: mapping.exclude.filter(keep) } : {}),
  };
}

/** The history to store after this plan: the relation's columns as carried now, and the changes accepted. */
function nextHistory(
  mapping: TableMapping,
  relation: Relation,
  info: TargetTableInfo,
  history: History,
  changes: ColumnChanges,
  ignored: readonly string[],
): History {
  const targetTypes = new Map(info.columns.map((column) => [column.name, column.type]));
  const next: History = {};
  for (const column of relation.columns) {
    const retyped = changes.retyped.find((change) => change.source === column.name);
    const seen = history[column.name];
    if (retyped && seen) {
      next[column.name] = { ...seen, acceptedTypeOid: column.typeOid };
      continue;
    }
    const target = mapping.columns[column.name] ?? column.name;
    const targetType = carries(mapping, column.name, ignored) ? targetTypes.get(target) : undefined;
    next[column.name] = {
      typeOid: column.typeOid,
      target: targetType === undefined ? null : target,
      targetType: targetType ?? null,
      ...(relation.typesFrom === 'connect' ? { connect: true as const } : {}),
    };
  }
  for (const change of changes.dropped) {
    const seen = history[change.source];
    if (seen) next[change.source] = { ...seen, targetType: change.targetType, dropped: true };
  }
  return next;
}

/**
 * The target column each source column was carried to when rows were last applied (from the
 * sink's record in the target), or nothing when the target holds no such record.
 */
export async function carriedColumns(client: pg.ClientBase, source: string, target: string): Promise<Map<string, string>> {
  const exists = await client.query<{ ok: boolean }>("SELECT to_regclass('strangler_sync.source_columns') IS NOT NULL AS ok");
  if (exists.rows[0]?.ok !== true) return new Map();
  const history = await readHistory(client, source, target);
  return new Map(Object.entries(history).flatMap(([name, seen]) => (seen.target === null ? [] : [[name, seen.target] as const])));
}

async function readHistory(client: pg.ClientBase, source: string, target: string): Promise<History> {
  const result = await client.query<{ columns: History }>(
    'SELECT columns FROM strangler_sync.source_columns WHERE source_table = $1 AND target_table = $2',
    [source, target],
  );
  return result.rows[0]?.columns ?? {};
}

async function writeHistory(client: pg.ClientBase, source: string, target: string, columns: History): Promise<void> {
  await client.query(
    `INSERT INTO strangler_sync.source_columns (source_table, target_table, columns) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (source_table, target_table) DO UPDATE SET columns = EXCLUDED.columns, updated_at = now()
       WHERE strangler_sync.source_columns.columns IS DISTINCT FROM EXCLUDED.columns`,
    [source, target, JSON.stringify(columns)],
  );
}

/** The two functions the plans of changed columns call (in the sink's schema; created once). */
async function ensureFunctions(client: pg.ClientBase): Promise<void> {
  const present = await client.query<{ ok: boolean }>(
    "SELECT to_regprocedure('strangler_sync.schema_change_cast(text,text,text)') IS NOT NULL AND to_regprocedure('strangler_sync.schema_change_failure(text,anyelement)') IS NOT NULL AS ok",
  );
  if (present.rows[0]?.ok === true) return;
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['strangler_sync.schema_change']);
  await client.query(`CREATE OR REPLACE FUNCTION strangler_sync.schema_change_cast(value text, type text, what text) RETURNS text
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF value IS NOT NULL THEN EXECUTE format('SELECT %L::%s', value, type); END IF;
      RETURN value;
    EXCEPTION WHEN OTHERS THEN
      RAISE EXCEPTION '%: %', what, SQLERRM USING ERRCODE = SQLSTATE;
    END $fn$`);
  await client.query(`CREATE OR REPLACE FUNCTION strangler_sync.schema_change_failure(message text, template anyelement) RETURNS anyelement
    LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION '%', message USING ERRCODE = 'not_null_violation'; END $fn$`);
}
