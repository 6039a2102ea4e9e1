import { describe, expect, it } from 'vitest';
import type { Relation } from '../change.js';
import { parseSyncConfig } from '../config/load.js';
import type { TableMapping } from '../config/schema.js';
import { compileTablePlan, type TargetTable } from '../mapping/compile.js';
import { passThroughSelect } from './copy-load.js';

const orders: Relation = {
  oid: 16500,
  schema: 'public',
  table: 'orders',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 20, isKey: true },
    { name: 'total', typeOid: 1700, isKey: false },
    { name: 'note', typeOid: 25, isKey: false },
  ],
};

const target: TargetTable = {
  schema: 'app',
  table: 'order',
  columns: [
    { name: 'note', type: 'text' },
    { name: 'order_id', type: 'bigint' },
    { name: 'amount', type: 'numeric(12,2)' },
    { name: 'origin', type: 'text' },
    { name: 'cents', type: 'bigint' },
  ],
  primaryKey: ['order_id'],
};

const sourceTypes = new Map([
  ['id', 'bigint'],
  ['total', 'numeric(12,2)'],
  ['note', 'text'],
]);

function mapping(extra: string): TableMapping {
  const config = parseSyncConfig(
    `source: { urlEnv: A }\ntarget: { urlEnv: B }\nslot: s\npublication: p\ntables:\n  - source: public.orders\n    target: app.order\n${extra}`,
  );
  const table = config.tables[0];
  if (!table) throw new Error('no table');
  return table;
}

describe('passThroughSelect', () => {
  it('selects the carried source columns in plan order, constants as text literals, and finds the key', () => {
    const plan = compileTablePlan(
      mapping(`    columns: { id: order_id, total: amount }\n    constants: { origin: "it's" }\n`),
      orders,
      target,
    );
    expect(passThroughSelect(plan, sourceTypes, ['id'])).toEqual({
      select: ['"id"', '"total"', '"note"', `'it''s'::text`],
      keyFields: [0],
    });
    expect(plan.columns.map((column) => column.name)).toEqual(['order_id', 'amount', 'note', 'origin']);
  });

  it('refuses computed columns, casts, filters, differing types and an uncarried snapshot key', () => {
    const renames = `    columns: { id: order_id, total: amount }\n`;
    const computed = compileTablePlan(mapping(`${renames}    computed: { cents: "1" }\n`), orders, target);
    expect(passThroughSelect(computed, sourceTypes, ['id'])).toBeUndefined();
    const cast = compileTablePlan(mapping(`${renames}    casts: { note: varchar }\n`), orders, target);
    expect(passThroughSelect(cast, sourceTypes, ['id'])).toBeUndefined();
    const filtered = compileTablePlan(mapping(`${renames}    filter: "$total > 0"\n`), orders, target);
    expect(passThroughSelect(filtered, sourceTypes, ['id'])).toBeUndefined();
    const plain = compileTablePlan(mapping(renames), orders, target);
    expect(passThroughSelect(plain, new Map([...sourceTypes, ['total', 'numeric']]), ['id'])).toBeUndefined();
    expect(passThroughSelect(plain, sourceTypes, ['id', 'missing'])).toBeUndefined();
    expect(passThroughSelect(plain, sourceTypes, [])).toBeUndefined();
    expect(passThroughSelect(plain, sourceTypes, ['id'])?.keyFields).toEqual([0]);
  });
});
