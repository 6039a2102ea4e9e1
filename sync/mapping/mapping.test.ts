import { describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import type { ChangeEvent, Relation } from '../change.js';
import { parseSyncConfig } from '../config/load.js';
import type { TableMapping } from '../config/schema.js';
import { compileTablePlan, keyIsReplicaIdentity, type TargetTable } from './compile.js';
import { referencedColumns, rewriteReferences } from './expression.js';
import { toOperations } from './operations.js';
import { deleteSql, partialUpdateSql, rowsPerStatement, truncateSql, upsertSql } from './sql.js';

const products: Relation = {
  oid: 16400,
  schema: 'public',
  table: 'products',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 23, isKey: true },
    { name: 'name', typeOid: 25, isKey: false },
    { name: 'price', typeOid: 1700, isKey: false },
    { name: 'active', typeOid: 16, isKey: false },
    { name: 'description', typeOid: 25, isKey: false },
    { name: 'mood', typeOid: 99999, isKey: false },
  ],
};

const catalogItem: TargetTable = {
  schema: 'public',
  table: 'catalog_item',
  columns: [
    { name: 'item_id', type: 'integer' },
    { name: 'title', type: 'text' },
    { name: 'price_cents', type: 'bigint' },
    { name: 'description', type: 'text' },
    { name: 'mood', type: '"mood"' },
    { name: 'origin', type: 'text' },
  ],
  primaryKey: ['item_id'],
};

function mapping(extra: string): TableMapping {
  const config = parseSyncConfig(
    `source: { urlEnv: A }\ntarget: { urlEnv: B }\nslot: s\npublication: p\ntables:\n  - source: public.products\n    target: catalog_item\n${extra}`,
  );
  const table = config.tables[0];
  if (!table) throw new Error('no table');
  return table;
}

const standard = mapping(`    columns: { id: item_id, name: title }
    exclude: [price, active]
    constants: { origin: monolith }
    computed: { price_cents: "round($price * 100)::bigint" }
    filter: "$active AND $name <> 'hidden'"
`);

function event(
  op: ChangeEvent['op'],
  before: ChangeEvent['before'],
  after: ChangeEvent['after'],
  extra: Partial<ChangeEvent> = {},
): ChangeEvent {
  return {
    op,
    before,
    after,
    source: { connector: 'strangler', db: 'shop', schema: 'public', table: 'products', lsn: 1, txId: 1, ts_ms: 0, snapshot: 'false' },
    ts_ms: 0,
    relation: products,
    ...extra,
  };
}

const row = { id: '7', name: 'mug', price: '12.50', active: 't', description: 'long text', mood: 'happy' };

describe('expressions', () => {
  it('finds $column references outside quotes', () => {
    expect(referencedColumns(`round($price * 100) || '$not' || "$also_not" || $name_2`)).toEqual(['price', 'name_2']);
    expect(rewriteReferences("$a || 'it''s $b'", (name) => `s.${name}`)).toBe("s.a || 'it''s $b'");
  });
});

describe('compileTablePlan', () => {
  const plan = compileTablePlan(standard, products, catalogItem);

  it('applies renames, the subset, constants, computed columns and the filter', () => {
    expect(plan.params).toEqual(['id', 'name', 'description', 'mood', 'price', 'active']);
    expect(plan.columns.map((column) => [column.name, column.sql])).toEqual([
      ['item_id', 's."id"::integer'],
      ['title', 's."name"::text'],
      ['description', 's."description"::text'],
      ['mood', 's."mood"::"mood"'],
      ['origin', `'monolith'::text`],
      ['price_cents', '(round((s."price"::numeric) * 100)::bigint)::bigint'],
    ]);
    expect(plan.key).toEqual([{ column: 'item_id', type: 'integer', param: 0 }]);
    expect(plan.filter?.sql).toBe(`coalesce(((s."active"::boolean) AND (s."name"::text) <> 'hidden'), false)`);
    expect(plan.missingInTarget).toEqual([]);
    expect(keyIsReplicaIdentity(plan)).toBe(true);
  });

  it('reports source columns the target lacks (for the schema-change policy), or leaves ignored ones out', () => {
    const widened: Relation = { ...products, columns: [...products.columns, { name: 'weight', typeOid: 1700, isKey: false }] };
    expect(compileTablePlan(standard, widened, catalogItem).missingInTarget).toEqual([
      { source: 'weight', target: 'weight', typeOid: 1700 },
    ]);
    expect(compileTablePlan(standard, widened, catalogItem, { ignoreColumns: ['weight'] }).missingInTarget).toEqual([]);
  });

  it('refuses mappings that name columns that do not exist', () => {
    const bad = mapping('    computed: { price_cents: "$cost * 100" }\n    include: [id]\n    columns: { id: item_id }\n');
    expect(() => compileTablePlan(bad, products, catalogItem)).toThrow(/refers to source column cost/);
    const noTarget = mapping('    constants: { nowhere: x }\n    include: [id]\n    columns: { id: item_id }\n');
    expect(() => compileTablePlan(noTarget, products, catalogItem)).toThrow(/constant for target column nowhere/);
    const computedKey = mapping(
      '    key: [price_cents]\n    include: [id]\n    columns: { id: item_id }\n    computed: { price_cents: "1" }\n',
    );
    expect(() => compileTablePlan(computedKey, products, catalogItem)).toThrow(/key column price_cents must be a carried source column/);
  });

  it('tells when a key is not the replica identity (deletes would not carry it)', () => {
    const images = mapping('    key: [title]\n    include: [id, name]\n    columns: { id: item_id, name: title }\n');
    const target: TargetTable = {
      ...catalogItem,
      columns: [
        { name: 'item_id', type: 'integer' },
        { name: 'title', type: 'text' },
      ],
    };
    expect(keyIsReplicaIdentity(compileTablePlan(images, products, target))).toBe(false);
    expect(keyIsReplicaIdentity(compileTablePlan(images, { ...products, replicaIdentity: 'f' }, target))).toBe(true);
  });

  it("keys by the target's primary key by default (REPLICA IDENTITY FULL flags every source column)", () => {
    const all: Relation = { ...products, replicaIdentity: 'f', columns: products.columns.map((column) => ({ ...column, isKey: true })) };
    expect(compileTablePlan(standard, all, catalogItem).key.map((key) => key.column)).toEqual(['item_id']);
    const { primaryKey: _primaryKey, ...withoutPrimaryKey } = catalogItem;
    expect(compileTablePlan(standard, products, withoutPrimaryKey).key.map((key) => key.column)).toEqual(['item_id']);
  });
});

describe('toOperations', () => {
  const plan = compileTablePlan(standard, products, catalogItem);

  it('turns inserts and snapshot reads into puts, deletes into deletes by key, truncates into truncates', () => {
    const [put] = toOperations(plan, event('c', null, row));
    expect(put).toMatchObject({ kind: 'put', values: ['7', 'mug', 'long text', 'happy', '12.50', 't'], missing: [], snapshot: false });
    expect(toOperations(plan, event('r', null, row))[0]).toMatchObject({ kind: 'put', snapshot: true });
    expect(toOperations(plan, event('d', { id: '7' }, null))).toEqual([{ kind: 'delete', plan, key: ['7'] }]);
    expect(toOperations(plan, event('t', null, null))).toEqual([{ kind: 'truncate', plan }]);
  });

  it('deletes the old key when an update changes the key', () => {
    const operations = toOperations(plan, event('u', { id: '7' }, { ...row, id: '8' }));
    expect(operations.map((operation) => operation.kind)).toEqual(['delete', 'put']);
    expect(operations[0]).toMatchObject({ key: ['7'] });
    expect(toOperations(plan, event('u', null, row)).map((operation) => operation.kind)).toEqual(['put']);
  });

  it('marks unchanged TOAST values missing, or takes them from a full old row', () => {
    const { description: _description, ...rest } = row;
    const toast = toOperations(plan, event('u', null, rest, { unchangedToast: ['description'] }))[0];
    expect(toast).toMatchObject({ kind: 'put', missing: [2] });
    const full = { ...products, replicaIdentity: 'f' as const };
    const fromBefore = toOperations(
      compileTablePlan(standard, full, catalogItem),
      event('u', row, rest, { unchangedToast: ['description'], relation: full }),
    )[0];
    expect(fromBefore).toMatchObject({ kind: 'put', missing: [], values: ['7', 'mug', 'long text', 'happy', '12.50', 't'] });
  });

  it('refuses a filter over an unknown TOAST value, and a delete without its key', () => {
    const { name: _name, ...rest } = row;
    expect(() => toOperations(plan, event('u', null, rest, { unchangedToast: ['name'] }))).toThrow(/filter of public\.products uses name/);
    try {
      toOperations(plan, event('d', { name: 'x' }, null));
      expect.unreachable();
    } catch (error) {
      expect(isStranglerError(error, 'SYNC_KEY_UNAVAILABLE')).toBe(true);
    }
  });
});

describe('statements', () => {
  const plan = compileTablePlan(standard, products, catalogItem);

  it('upserts many rows with ON CONFLICT, deleting rows that fail the filter in the same statement', () => {
    const sql = upsertSql(plan, 2);
    expect(sql).toContain(
      'WITH s("id", "name", "description", "mood", "price", "active") AS (VALUES ($1,$2,$3,$4,$5,$6),($7,$8,$9,$10,$11,$12))',
    );
    expect(sql).toContain('d AS (DELETE FROM "public"."catalog_item" AS t USING s WHERE t."item_id" = s."id"::integer AND NOT coalesce(');
    expect(sql).toContain(
      'INSERT INTO "public"."catalog_item" ("item_id", "title", "description", "mood", "origin", "price_cents") SELECT s."id"::integer',
    );
    expect(sql).toMatch(/ON CONFLICT \("item_id"\) DO UPDATE SET "title" = EXCLUDED\."title", .*"price_cents" = EXCLUDED\."price_cents"$/);
  });

  it('updates only the known columns when TOAST values are missing, and counts the rows it found', () => {
    const sql = partialUpdateSql(plan, 1, [2]);
    expect(sql).toContain('UPDATE "public"."catalog_item" AS t SET "title" = s."name"::text, "mood"');
    expect(sql).not.toContain('"description" =');
    expect(sql).toContain('SELECT (SELECT count(*) FROM u)::int AS updated');
  });

  it('deletes and truncates by key', () => {
    expect(deleteSql(plan, 2)).toBe(
      'DELETE FROM "public"."catalog_item" AS t USING (VALUES ($1),($2)) AS s("item_id") WHERE t."item_id" = s."item_id"::integer',
    );
    expect(truncateSql([plan, plan])).toBe('TRUNCATE "public"."catalog_item"');
    expect(rowsPerStatement(6)).toBe(1000);
    expect(rowsPerStatement(100)).toBe(300);
  });
});
