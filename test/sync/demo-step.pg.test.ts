/**
 * The demo's sync step on the real sample apps' schemas, from an EMPTY catalog database:
 * sync/example.yaml copies the shop's catalog, streams a price change, and verify agrees.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSyncDemoStep } from '../../cli/demo/sync-step.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { runScript } from '../helpers/processes.js';

const ROOT = join(import.meta.dirname, '..', '..');
let shop: TestDatabase;
let catalog: TestDatabase;

beforeAll(async () => {
  shop = await createTestDatabase('demo_shop');
  catalog = await createTestDatabase('demo_catalog');
  await runScript({
    cwd: join(ROOT, 'fixtures', 'shop-monolith'),
    entry: 'scripts/migrate.ts',
    args: ['--seed'],
    env: { DATABASE_URL: shop.url },
  });
  await runScript({ cwd: join(ROOT, 'fixtures', 'catalog-service'), entry: 'scripts/migrate.ts', env: { DATABASE_URL: catalog.url } });
}, 120_000);

afterAll(async () => {
  await shop.drop();
  await catalog.drop();
});

describe('demo sync step', () => {
  it('syncs the shop catalog into the empty catalog service database and verifies it', async () => {
    const lines: string[] = [];
    const step = await runSyncDemoStep({ sourceUrl: shop.url, targetUrl: catalog.url, say: (line) => lines.push(line) });
    await step.stop();
    const text = lines.join('\n');
    expect(text).toMatch(/initial copy done \(\d+ rows/);
    expect(text).toMatch(/catalog_item \d+ price_cents = \d+ +\(arrived after \d+ ms\)/);
    expect(text).toMatch(/public\.products -> public\.catalog_item: (\d+) source rows, \1 target rows, equal/);
    expect(text).toContain('verify: source and target agree on 3 table(s)');
  });
});
