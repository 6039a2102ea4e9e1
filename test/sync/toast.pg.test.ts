/**
 * Unchanged TOAST values: an update of another column leaves the large value in place (pgoutput
 * does not send it); with REPLICA IDENTITY FULL a row missing in the target is inserted whole;
 * without it, the sync stops with SYNC_TOAST_ROW_MISSING instead of writing a wrong row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import { resolveUrls } from '../../sync/config/load.js';
import { startSync, type SyncHandle } from '../../sync/runner/pg-sync.js';
import { createSyncPair, type SyncPair } from './harness.js';

let pair: SyncPair;
let sync: SyncHandle | undefined;

/** ~200 kB of md5 text: it does not compress below the TOAST threshold, so it is stored out of line. */
const BIG = "(SELECT string_agg(md5(random()::text || g::text), '') FROM generate_series(1, 6000) g)";

beforeAll(async () => {
  pair = await createSyncPair('toast');
  for (const table of ['docs', 'docs_full']) {
    await pair.query('source', `CREATE TABLE ${table} (id int PRIMARY KEY, body text NOT NULL, hits int NOT NULL)`);
    await pair.query('source', `INSERT INTO ${table} VALUES (1, ${BIG}, 0), (2, ${BIG}, 0)`);
    await pair.query('target', `CREATE TABLE ${table} (id int PRIMARY KEY, body text NOT NULL, hits int NOT NULL)`);
  }
  await pair.query('source', 'ALTER TABLE docs_full REPLICA IDENTITY FULL');
});

afterAll(async () => {
  await sync?.stop();
  await pair.cleanup();
});

const read = async (
  side: 'source' | 'target',
  table: string,
  id: number,
): Promise<{ hits: number; len: number; hash: string } | undefined> =>
  (await pair.query(side, `SELECT hits, length(body) AS len, md5(body) AS hash FROM ${table} WHERE id = $1`, [id])).rows[0] as
    { hits: number; len: number; hash: string } | undefined;

describe('unchanged TOAST columns', () => {
  it('keeps the large value when another column changes, and never writes a row without it', async () => {
    const config = pair.config('  - source: docs\n    target: docs\n  - source: docs_full\n    target: docs_full\n');
    sync = await startSync({ config, urls: resolveUrls(config, pair.env), metricsListen: '127.0.0.1:0' });
    await pair.waitFor(
      () => read('target', 'docs_full', 2),
      (row) => row !== undefined,
    );
    const stored = (
      await pair.query(
        'source',
        "SELECT pg_column_size(body) AS size, pg_relation_size(reltoastrelid) AS toast FROM docs, pg_class WHERE relname = 'docs' AND id = 1",
      )
    ).rows[0] as { size: number; toast: string };
    expect(Number(stored.toast)).toBeGreaterThan(0);

    await pair.query('source', 'UPDATE docs SET hits = hits + 1 WHERE id = 1');
    await pair.waitFor(
      () => read('target', 'docs', 1),
      (row) => row?.hits === 1,
    );
    expect(await read('target', 'docs', 1)).toEqual(await read('source', 'docs', 1));

    // REPLICA IDENTITY FULL: the old row carries the value, so a row missing in the target is inserted whole.
    await pair.query('target', 'DELETE FROM docs_full WHERE id = 2');
    await pair.query('source', 'UPDATE docs_full SET hits = 5 WHERE id = 2');
    await pair.waitFor(
      () => read('target', 'docs_full', 2),
      (row) => row?.hits === 5,
    );
    expect(await read('target', 'docs_full', 2)).toEqual(await read('source', 'docs_full', 2));

    // Default identity and the row is missing in the target: the value is unknown, the sync stops and says why.
    await pair.query('target', 'DELETE FROM docs WHERE id = 2');
    await pair.query('source', 'UPDATE docs SET hits = 9 WHERE id = 2');
    const failure = await sync.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isStranglerError(failure, 'SYNC_TOAST_ROW_MISSING')).toBe(true);
    expect(await read('target', 'docs', 2)).toBeUndefined();
  });
});
