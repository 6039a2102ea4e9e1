/** A column added in the source, under each schemaChange policy: add-column, ignore, stop (never silent loss). */
import { afterAll, describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import { resolveUrls } from '../../sync/config/load.js';
import { startSync, type SyncHandle } from '../../sync/runner/pg-sync.js';
import { verifySync } from '../../sync/verify/verify.js';
import { createSyncPair, type SyncPair } from './harness.js';

const pairs: SyncPair[] = [];
const handles: SyncHandle[] = [];

afterAll(async () => {
  for (const handle of handles) await handle.stop();
  for (const pair of pairs) await pair.cleanup();
});

async function setup(policy: string): Promise<{ pair: SyncPair; start(): Promise<SyncHandle>; rows(): Promise<unknown[]> }> {
  const pair = await createSyncPair(`schema_${policy.replace('-', '_')}`);
  pairs.push(pair);
  await pair.query('source', 'CREATE TABLE things (id int PRIMARY KEY, name text)');
  await pair.query('source', "INSERT INTO things VALUES (1, 'one')");
  await pair.query('target', 'CREATE TABLE things (id int PRIMARY KEY, name text)');
  const config = pair.config('  - source: things\n    target: things\n', `schemaChange: ${policy}`);
  return {
    pair,
    async start() {
      const handle = await startSync({ config, urls: resolveUrls(config, pair.env), metricsListen: '127.0.0.1:0' });
      handles.push(handle);
      return handle;
    },
    rows: async () =>
      (await pair.query('target', 'SELECT to_jsonb(t) AS row FROM things t ORDER BY id')).rows.map((r: { row: unknown }) => r.row),
  };
}

async function addColumnAndInsert(pair: SyncPair): Promise<void> {
  await pair.query('source', 'ALTER TABLE things ADD COLUMN price numeric(8,3) DEFAULT 1.5');
  await pair.query('source', "INSERT INTO things VALUES (2, 'two', 2.125)");
}

describe('schema change: a new source column', () => {
  it('add-column: adds it to the target with the source type and the value existing rows read', async () => {
    const { pair, start, rows } = await setup('add-column');
    const handle = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await addColumnAndInsert(pair);
    await pair.waitFor(rows, (r) => r.length === 2);
    expect(await rows()).toEqual([
      { id: 1, name: 'one', price: 1.5 },
      { id: 2, name: 'two', price: 2.125 },
    ]);
    const type = await pair.query(
      'target',
      "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'things'::regclass AND attname = 'price'",
    );
    expect(type.rows).toEqual([{ t: 'numeric(8,3)' }]);
    const config = pair.config('  - source: things\n    target: things\n');
    expect((await verifySync({ config, urls: resolveUrls(config, pair.env) })).equal).toBe(true);
    await handle.stop();
  });

  it('ignore: keeps applying the other columns and leaves the new one out', async () => {
    const { pair, start, rows } = await setup('ignore');
    await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await addColumnAndInsert(pair);
    await pair.query('source', "UPDATE things SET name = 'uno' WHERE id = 1");
    await pair.waitFor(rows, (r) => JSON.stringify(r).includes('uno') && r.length === 2);
    expect(await rows()).toEqual([
      { id: 1, name: 'uno' },
      { id: 2, name: 'two' },
    ]);
  });

  it('stop: fails with SYNC_SCHEMA_CHANGED without applying the change, and resumes once the target has the column', async () => {
    const { pair, start, rows } = await setup('stop');
    const first = await start();
    await pair.waitFor(rows, (r) => r.length === 1);
    await addColumnAndInsert(pair);
    const failure = await first.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isStranglerError(failure, 'SYNC_SCHEMA_CHANGED')).toBe(true);
    expect(await rows()).toEqual([{ id: 1, name: 'one' }]);
    await pair.query('target', 'ALTER TABLE things ADD COLUMN price numeric(8,3)');
    const second = await start();
    await pair.waitFor(rows, (r) => r.length === 2);
    expect((await rows())[1]).toEqual({ id: 2, name: 'two', price: 2.125 });
    await second.stop();
  });
});
