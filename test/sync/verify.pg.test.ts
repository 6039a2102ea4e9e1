/** verify on real databases: equal after a sync, then finds and lists planted differences (bisecting key ranges). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUrls } from '../../sync/config/load.js';
import { startSync } from '../../sync/runner/pg-sync.js';
import { renderVerifySummary } from '../../sync/verify/summary.js';
import { verifySync } from '../../sync/verify/verify.js';
import { createSyncPair, type SyncPair } from './harness.js';

let pair: SyncPair;

beforeAll(async () => {
  pair = await createSyncPair('verify');
  await pair.query('source', `CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(12,2), at timestamptz, tags text[])`);
  await pair.query(
    'source',
    `INSERT INTO items SELECT g, 'item ' || g, g * 1.25, '2024-01-01 00:00:00.123456+00'::timestamptz + g * interval '1 second', ARRAY['a', g::text] FROM generate_series(1, 3000) g`,
  );
  await pair.query('target', `CREATE TABLE item (item_id int PRIMARY KEY, title text, price_cents bigint, at timestamptz, tags text[])`);
});

afterAll(async () => {
  await pair.cleanup();
});

describe('sync verify', () => {
  it('is equal after the sync, and lists rows missing, extra and different', async () => {
    const config = pair.config(`  - source: items
    target: item
    columns: { id: item_id, name: title }
    exclude: [price]
    computed: { price_cents: "($price * 100)::bigint" }
`);
    const urls = resolveUrls(config, pair.env);
    const sync = await startSync({ config, urls, metricsListen: '127.0.0.1:0' });
    await pair.waitFor(
      async () => Number((await pair.query('target', 'SELECT count(*) AS n FROM item')).rows[0]?.n),
      (n) => n === 3000,
    );
    await sync.stop();

    const clean = await verifySync({ config, urls, rowsPerLeaf: 100 });
    expect(clean.equal).toBe(true);
    expect(clean.tables[0]).toMatchObject({ sourceRows: 3000, targetRows: 3000, equal: true });

    await pair.query('target', 'DELETE FROM item WHERE item_id = 17');
    await pair.query('target', "INSERT INTO item VALUES (5000, 'planted', 1, now(), '{}')");
    await pair.query('target', "UPDATE item SET title = 'tampered', at = at + interval '1 microsecond' WHERE item_id = 2222");
    const report = await verifySync({ config, urls, rowsPerLeaf: 100 });
    expect(report.equal).toBe(false);
    const table = report.tables[0];
    expect(table?.counts).toEqual({ missing: 1, extra: 1, different: 1 });
    expect(table?.missing).toEqual([{ key: { item_id: '17' } }]);
    expect(table?.extra).toEqual([{ key: { item_id: '5000' } }]);
    expect(table?.different).toEqual([
      {
        key: { item_id: '2222' },
        columns: [
          { column: 'title', source: 'item 2222', target: 'tampered' },
          { column: 'at', source: '2024-01-01 00:37:02.123456+00', target: '2024-01-01 00:37:02.123457+00' },
        ],
      },
    ]);
    expect(table?.rangesHashed).toBeGreaterThan(8);
    const summary = renderVerifySummary(report);
    expect(summary).toContain('DIFFERENT: 1 missing in the target, 1 extra in the target, 1 different');
    expect(summary).toContain('missing    item_id=17');
    expect(summary).toContain('verify: 1 of 1 table(s) differ');
  });
});
