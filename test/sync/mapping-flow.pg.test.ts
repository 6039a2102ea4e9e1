/**
 * The sync end to end in-process with the real source (pgoutput) and sink: a renaming mapping
 * with a computed column and a column subset over snapshot + streaming, and a row filter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUrls } from '../../sync/config/load.js';
import { startSync, type SyncHandle } from '../../sync/runner/pg-sync.js';
import { createSyncPair, type SyncPair } from './harness.js';

let pair: SyncPair;
let sync: SyncHandle | undefined;

beforeAll(async () => {
  pair = await createSyncPair('flow');
  await pair.query(
    'source',
    `CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, active boolean NOT NULL DEFAULT true, secret text)`,
  );
  await pair.query(
    'source',
    `INSERT INTO products (name, price, active) SELECT 'p' || g, g + 0.99, g % 3 <> 0 FROM generate_series(1, 500) g`,
  );
  await pair.query(
    'target',
    `CREATE TABLE catalog_item (item_id integer PRIMARY KEY, title text NOT NULL, price_cents bigint NOT NULL, origin text NOT NULL)`,
  );
});

afterAll(async () => {
  await sync?.stop();
  await pair.cleanup();
});

const count = async (): Promise<number> => Number((await pair.query('target', 'SELECT count(*) AS n FROM catalog_item')).rows[0]?.n);

describe('sync with a renaming, filtering mapping', () => {
  it('copies the filtered rows, then streams inserts, updates in and out of the filter, and deletes', async () => {
    const config = pair.config(`  - source: public.products
    target: catalog_item
    columns: { id: item_id, name: title }
    include: [id, name]
    constants: { origin: monolith }
    computed: { price_cents: "round($price * 100)::bigint" }
    filter: "$active"
`);
    sync = await startSync({ config, urls: resolveUrls(config, pair.env), metricsListen: '127.0.0.1:0' });
    // 500 rows, every third inactive: 334 active.
    await pair.waitFor(count, (n) => n === 334);
    const first = await pair.query('target', 'SELECT item_id, title, price_cents::text, origin FROM catalog_item WHERE item_id = 1');
    expect(first.rows).toEqual([{ item_id: 1, title: 'p1', price_cents: '199', origin: 'monolith' }]);

    await pair.query('source', "INSERT INTO products (name, price) VALUES ('new', 12345678.91)");
    await pair.query('source', 'UPDATE products SET active = false WHERE id = 1'); // out of the filter: deleted
    await pair.query('source', 'UPDATE products SET active = true, name = $1 WHERE id = 3', ['back in']); // into it: inserted
    await pair.query('source', 'DELETE FROM products WHERE id = 2');
    await pair.waitFor(
      async () =>
        (
          await pair.query(
            'target',
            'SELECT item_id, title, price_cents::text FROM catalog_item WHERE item_id IN (1, 2, 3, 501) ORDER BY item_id',
          )
        ).rows,
      (rows) => rows.length === 2 && rows[1]?.item_id === 501,
    );
    const rows = await pair.query(
      'target',
      'SELECT item_id, title, price_cents::text FROM catalog_item WHERE item_id IN (1, 2, 3, 501) ORDER BY item_id',
    );
    expect(rows.rows).toEqual([
      { item_id: 3, title: 'back in', price_cents: '399' },
      { item_id: 501, title: 'new', price_cents: '1234567891' },
    ]);
    expect(await count()).toBe(334 - 1 - 1 + 1 + 1);
    const metrics = await (await fetch(sync.metricsUrl ?? '')).text();
    expect(metrics).toMatch(/strangler_sync_transactions_total [1-9]/);
    expect(metrics).toContain('strangler_sync_state{state="streaming"} 1');
  });
});
