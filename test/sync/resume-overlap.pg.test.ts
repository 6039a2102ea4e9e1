/**
 * A resumed initial copy overlaps the stream: streaming starts at the slot's consistent point,
 * and the rows copied after the restart already hold what changed since. An unchanged-TOAST
 * update of a row that was deleted before the copy resumed then finds no target row; that is
 * expected there (the delete follows in the stream) and must not stop the sync, while the same
 * update outside the overlap still stops it (toast.pg.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUrls } from '../../sync/config/load.js';
import { startSync, type SyncHandle } from '../../sync/runner/pg-sync.js';
import { createSyncPair, type SyncPair } from './harness.js';

let pair: SyncPair;
let sync: SyncHandle | undefined;

const ROWS = 30_000;
const DELETED = 29_000;
const UPDATED = 28_000;

beforeAll(async () => {
  pair = await createSyncPair('resume_overlap');
  await pair.query('source', 'CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL, big text)');
  await pair.query('source', 'ALTER TABLE t ALTER COLUMN big SET STORAGE EXTERNAL');
  await pair.query(
    'source',
    `INSERT INTO t SELECT g, 0, CASE WHEN g IN (${DELETED}, ${UPDATED}) THEN repeat(md5(g::text), 1000) ELSE 'small' END FROM generate_series(1, ${ROWS}) g`,
  );
  await pair.query('target', 'CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL, big text)');
});

afterAll(async () => {
  await sync?.stop();
  await pair.cleanup();
});

const count = async (side: 'source' | 'target'): Promise<number> =>
  Number((await pair.query(side, 'SELECT count(*)::int AS n FROM t')).rows[0]?.n);
const digest = async (side: 'source' | 'target'): Promise<string> =>
  String(
    (await pair.query(side, "SELECT md5(string_agg(id || ':' || n || ':' || md5(coalesce(big, '')), ',' ORDER BY id)) AS d FROM t")).rows[0]
      ?.d,
  );

describe('a resumed initial copy', () => {
  it('skips an unchanged-TOAST update of a row deleted before the copy resumed, and converges', async () => {
    const config = pair.config('  - source: t\n    target: t\n');
    const urls = resolveUrls(config, pair.env);
    sync = await startSync({ config, urls, snapshotChunkRows: 1_000, metricsListen: '127.0.0.1:0' });
    // Stop after the first chunks are committed, long before the last one.
    await pair.waitFor(
      () => count('target'),
      (rows) => rows > 0,
    );
    await sync.stop();
    sync = undefined;
    const copied = await count('target');
    expect(copied).toBeLessThan(UPDATED);

    // Changes to rows not copied yet: an update leaving the large value untouched, then a delete.
    await pair.query('source', `UPDATE t SET n = 1 WHERE id = ${DELETED}`);
    await pair.query('source', `DELETE FROM t WHERE id = ${DELETED}`);
    await pair.query('source', `UPDATE t SET n = 5 WHERE id = ${UPDATED}`);

    sync = await startSync({ config, urls, snapshotChunkRows: 1_000, metricsListen: '127.0.0.1:0' });
    const failed = sync.done.then(
      () => 'ended',
      (error: unknown) => `failed: ${String(error)}`,
    );
    await pair.waitFor(
      () => count('target'),
      (rows) => rows === ROWS - 1,
    );
    // After the overlap, streaming goes on as usual.
    await pair.query('source', `INSERT INTO t VALUES (${ROWS + 1}, 7, 'after')`);
    await pair.waitFor(
      () => count('target'),
      (rows) => rows === ROWS,
    );
    const outcome = await Promise.race([failed, new Promise((resolve) => setTimeout(() => resolve('running'), 200))]);
    expect(outcome).toBe('running');
    expect(await digest('target')).toBe(await digest('source'));
    const kept = (await pair.query('target', `SELECT n, length(big) AS len FROM t WHERE id = ${UPDATED}`)).rows[0] as {
      n: number;
      len: number;
    };
    expect(kept).toEqual({ n: 5, len: 32_000 });
  });
});
