/**
 * The demo's sync step: starts `strangler sync` in-process from the monolith's database to the
 * catalog service's (sync/example.yaml; the catalog db may be backfilled already or empty),
 * changes a product's price in the monolith, shows it arriving in the service's database, and
 * prints verify's summary.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseConfigText } from '../../common/config/load.js';
import { validate } from '../../common/config/schema.js';
import { packageRoot } from '../../common/package-info.js';
import { syncConfigSchema } from '../../sync/config/schema.js';
import { startSync } from '../../sync/runner/pg-sync.js';
import { dropSlotAndPublication } from '../../sync/source/index.js';
import { renderVerifySummary } from '../../sync/verify/summary.js';
import { verifySync } from '../../sync/verify/verify.js';

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`the sync demo timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function runSyncDemoStep(ctx: {
  sourceUrl: string;
  targetUrl: string;
  say(line: string): void;
}): Promise<{ stop(): Promise<void> }> {
  const file = join(packageRoot(), 'sync', 'example.yaml');
  const raw = parseConfigText(await readFile(file, 'utf8'), file);
  const name = `strangler_demo_${randomBytes(3).toString('hex')}`;
  const config = validate(
    syncConfigSchema,
    typeof raw === 'object' && raw !== null ? { ...raw, slot: name, publication: name, metrics: { enabled: false } } : raw,
    file,
  );
  const urls = { sourceUrl: ctx.sourceUrl, targetUrl: ctx.targetUrl };
  const monolith = new pg.Client({ connectionString: ctx.sourceUrl });
  const service = new pg.Client({ connectionString: ctx.targetUrl });
  await monolith.connect();
  await service.connect();
  // The service keys images by (item_id, position): deletes must carry the whole old row.
  await monolith.query('ALTER TABLE product_images REPLICA IDENTITY FULL');
  ctx.say(`   sync/example.yaml: ${config.tables.map((table) => `${table.source} -> ${table.target}`).join(', ')}`);
  const handle = await startSync({ config, urls });
  const cleanup = async (): Promise<void> => {
    await handle.stop();
    await dropSlotAndPublication({ connection: { connectionString: ctx.sourceUrl }, slot: name, publication: name, force: true }).catch(
      () => undefined,
    );
    await monolith.end().catch(() => undefined);
    await service.end().catch(() => undefined);
  };
  try {
    const copyStarted = Date.now();
    await until(
      async () => handle.runner.state.state,
      (state) => state === 'streaming' || state === 'failed',
      60_000,
      'the initial copy',
    );
    if (handle.runner.state.state === 'failed') await handle.done;
    ctx.say(`   initial copy done (${handle.metrics.snapshotRows} rows, ${Date.now() - copyStarted} ms); streaming from slot ${name}`);

    const product = (await monolith.query<{ id: number; price: string }>('SELECT id, price::text FROM products ORDER BY id LIMIT 1'))
      .rows[0];
    if (!product) throw new Error('the monolith has no products');
    const updated = (
      await monolith.query<{ price: string }>(
        'UPDATE products SET price = price + 1.01, updated_at = now() WHERE id = $1 RETURNING price::text',
        [product.id],
      )
    ).rows[0];
    const changedAt = Date.now();
    ctx.say(`   monolith:        UPDATE products SET price = ${updated?.price ?? '?'} WHERE id = ${product.id}   (was ${product.price})`);
    const cents = await until(
      async () =>
        (await service.query<{ cents: string }>('SELECT price_cents::text AS cents FROM catalog_item WHERE item_id = $1', [product.id]))
          .rows[0]?.cents,
      (value) => value !== undefined && updated !== undefined && value === (Number(updated.price.replace('.', '')) / 1).toFixed(0),
      30_000,
      'the change to reach the catalog database',
    );
    ctx.say(`   catalog service: catalog_item ${product.id} price_cents = ${cents ?? '?'}   (arrived after ${Date.now() - changedAt} ms)`);
    // Let the acknowledgement settle, then compare both databases under the mapping.
    const report = await verifySync({ config, urls });
    for (const line of renderVerifySummary(report).trimEnd().split('\n')) ctx.say(`   ${line}`);
    if (!report.equal) throw new Error('verify found differences between the monolith and the catalog service');
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { stop: cleanup };
}
