import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import { describeSchema } from '../../common/config/schema.js';
import { parseSyncConfig, resolveUrls, splitTableName } from './load.js';
import { syncConfigShape } from './schema.js';

const minimal = `source: { urlEnv: SRC }
target: { urlEnv: DST }
slot: s1
publication: p1
tables:
  - source: products
    target: catalog_item
`;

function issuesOf(text: string): string {
  try {
    parseSyncConfig(text, 'bad.yaml');
  } catch (error) {
    if (isStranglerError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('sync config', () => {
  it('accepts sync/example.yaml and fills the defaults', () => {
    const path = join(import.meta.dirname, '..', 'example.yaml');
    const config = parseSyncConfig(readFileSync(path, 'utf8'), path);
    expect(config.tables.map((table) => table.target)).toEqual(['catalog_category', 'catalog_item', 'catalog_item_image']);
    expect(config.tables[1]?.computed).toEqual({ price_cents: 'round($price * 100)::bigint' });
    expect(config.tables[2]?.key).toEqual(['item_id', 'position']);
    expect(config.heartbeat).toBe(10_000);
    expect(config.retry).toEqual({ initial: 200, max: 10_000 });
    expect(Object.isFrozen(config.tables[0])).toBe(true);
  });

  it('has defaults for everything but the connections, names and tables', () => {
    const config = parseSyncConfig(minimal);
    expect(config.schemaChange).toBe('stop');
    expect(config.batching).toEqual({ maxTransactions: 500, maxRows: 50_000, maxWait: 5 });
    expect(config.metrics).toEqual({ enabled: true, listen: '127.0.0.1:9464' });
    expect(config.target.replicationRole).toBe(true);
    expect(config.tables[0]).toMatchObject({ columns: {}, constants: {}, computed: {}, casts: {} });
  });

  it('names the bad key', () => {
    expect(issuesOf(minimal.replace('slot: s1', 'slot: S-1'))).toContain('slot: "S-1" is not a slot name');
    expect(issuesOf(minimal + '    colums: { a: b }\n')).toMatch(/tables\[0\]\.colums: unknown key; did you mean "columns"\?/);
    expect(issuesOf(minimal + '    include: [a]\n    exclude: [b]\n')).toContain('tables[0].exclude: use include or exclude, not both');
    expect(issuesOf(minimal.replace('DST', 'SRC'))).toContain('target.urlEnv: is the same variable as source.urlEnv');
    expect(issuesOf(minimal + 'schemaChange: drop\n')).toContain('schemaChange: expected one of "add-column", "ignore", "stop"');
    expect(issuesOf(minimal + '    columns: { a: x, b: x }\n')).toContain('target column x is already the rename of a');
    expect(issuesOf(minimal + '  - source: public.products\n    target: other\n')).toContain(
      'tables[1].source: public.products is already mapped by tables[0]',
    );
    expect(issuesOf(minimal.replace('tables:\n', 'tables: []\n').replace(/ {2}- source[\s\S]*$/, ''))).toContain(
      'tables: needs at least 1 item',
    );
  });

  it('reads snapshot.chunkRows, defaults it to 20,000, and refuses a value out of range or of the wrong type', () => {
    expect(parseSyncConfig(minimal).snapshot).toEqual({ chunkRows: 20_000 });
    expect(parseSyncConfig(minimal + 'snapshot: { chunkRows: 2500 }\n').snapshot.chunkRows).toBe(2_500);
    expect(parseSyncConfig(minimal + 'snapshot: { chunkRows: 100 }\n').snapshot.chunkRows).toBe(100);
    expect(parseSyncConfig(minimal + 'snapshot: { chunkRows: 1000000 }\n').snapshot.chunkRows).toBe(1_000_000);
    expect(issuesOf(minimal + 'snapshot: { chunkRows: 99 }\n')).toContain('snapshot.chunkRows: must be >= 100, got 99');
    expect(issuesOf(minimal + 'snapshot: { chunkRows: 1000001 }\n')).toContain('snapshot.chunkRows: must be <= 1000000, got 1000001');
    expect(issuesOf(minimal + 'snapshot: { chunkRows: 2500.5 }\n')).toContain('snapshot.chunkRows: expected a whole number, got 2500.5');
    expect(issuesOf(minimal + 'snapshot: { chunkRows: "5000" }\n')).toContain('snapshot.chunkRows: expected a number, got string "5000"');
    expect(issuesOf(minimal + 'snapshot: { chunkRow: 5000 }\n')).toContain('snapshot.chunkRow: unknown key; did you mean "chunkRows"?');
    expect(issuesOf(minimal + 'snapshot: 5000\n')).toContain('snapshot: expected an object, got number 5000');
  });

  it('reads the connection URLs from the environment, and says which variable is missing', () => {
    const config = parseSyncConfig(minimal);
    expect(resolveUrls(config, { SRC: 'postgres://a', DST: 'postgres://b' })).toEqual({
      sourceUrl: 'postgres://a',
      targetUrl: 'postgres://b',
    });
    expect(() => resolveUrls(config, { SRC: 'postgres://a' })).toThrow(
      /target\.urlEnv names the environment variable DST, which is not set/,
    );
  });

  it('documents every key', () => {
    const rows = describeSchema(syncConfigShape);
    expect(rows.map((row) => row.path)).toEqual(
      expect.arrayContaining(['source.urlEnv', 'schemaChange', 'batching.maxWait', 'snapshot.chunkRows', 'metrics.listen']),
    );
    expect(rows.filter((row) => row.description === '' && !['source', 'target'].includes(row.path))).toEqual([]);
  });

  it('splits table names', () => {
    expect(splitTableName('products')).toEqual({ schema: 'public', table: 'products' });
    expect(splitTableName('shop.products')).toEqual({ schema: 'shop', table: 'products' });
  });
});
