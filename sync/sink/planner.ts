/**
 * Turns a source relation into its TablePlan, inside the sink's open target transaction: finds
 * the mapping, reads the target table once, and applies the schema-change policy to source
 * columns the target lacks (add the column, ignore it, or stop: never silent loss).
 */
import type pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { Relation } from '../change.js';
import { splitTableName } from '../config/load.js';
import type { SchemaChangePolicy, TableMapping } from '../config/schema.js';
import { compileTablePlan, keyIsReplicaIdentity, type TablePlan } from '../mapping/compile.js';
import { quoteIdent, quoteLiteral } from '../mapping/expression.js';
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

  private async compile(client: pg.ClientBase, mapping: TableMapping, relation: Relation): Promise<TablePlan> {
    const sourceName = `${relation.schema}.${relation.table}`;
    let info = await this.target(client, mapping);
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
    return plan;
  }
}
