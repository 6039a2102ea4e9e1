/**
 * Large source transactions applied in parts while they are received (startSync partChanges),
 * and runs of inserts going in with COPY, through the real capture and apply: the values arrive
 * exactly, each source transaction lands once with the checkpoint of the last one, and after a
 * restart only what came later is applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUrls } from '../config/load.js';
import { createSyncPair, type SyncPair } from '../../test/sync/harness.js';
import { startSync, type SyncHandle } from './pg-sync.js';

let pair: SyncPair;
let sync: SyncHandle | undefined;

const COLUMNS = 'id int PRIMARY KEY, n numeric(30,10), ts timestamptz, j jsonb, t text, b bytea, a int[], flag boolean';

/** Rows [from, to] with values that are easy to get wrong (escapes, µs, digits, NULLs), in one transaction. */
const insertRows = (from: number, to: number): string =>
  `INSERT INTO big SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 1234567.0123456789) % 100000000000 END,
     timestamptz '2024-02-29 23:59:59.999999+00' - i * interval '1.000001 second',
     jsonb_build_object('i', i, 's', E'q"\\\\ \\n ü'),
     CASE WHEN i % 5 = 0 THEN NULL ELSE E'tab\\there\\nnew \\\\N back\\\\slash \\r ''' || i END,
     decode(lpad(to_hex(i), 8, '0'), 'hex'), ARRAY[i, NULL, -i], i % 2 = 0
   FROM generate_series(${from}, ${to}) i`;

const asText = async (side: 'source' | 'target'): Promise<string> => {
  const result = await pair.query(side, "SELECT string_agg(big::text, E'\\n' ORDER BY id) AS rows_text FROM big");
  return String((result.rows[0] as { rows_text: string | null }).rows_text);
};

const count = async (): Promise<number> => Number((await pair.query('target', 'SELECT count(*)::int AS n FROM big')).rows[0]?.n ?? 0);

const checkpointXid = async (): Promise<string | undefined> =>
  (await pair.query('target', 'SELECT tx_id::text FROM strangler_sync.checkpoint')).rows[0]?.tx_id as string | undefined;

/** The 32-bit xid pgoutput reports for the transaction that runs `sql`. */
async function inTransaction(sql: string): Promise<string> {
  await pair.query('source', 'BEGIN');
  const xid = (await pair.query('source', 'SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text AS xid')).rows[0]?.xid as string;
  await pair.query('source', sql);
  await pair.query('source', 'COMMIT');
  return xid;
}

beforeAll(async () => {
  pair = await createSyncPair('streamed');
  for (const side of ['source', 'target'] as const) await pair.query(side, `CREATE TABLE big (${COLUMNS})`);
  await pair.query('source', insertRows(1, 10));
});

afterAll(async () => {
  await sync?.stop();
  await pair.cleanup();
});

describe('transactions applied while they are received', () => {
  it('applies a 2,500-row transaction in parts exactly, once, with its commit as the checkpoint, and resumes after a restart', async () => {
    const config = pair.config('  - source: big\n    target: big\n');
    const start = async (): Promise<SyncHandle> =>
      startSync({ config, urls: resolveUrls(config, pair.env), metricsListen: '127.0.0.1:0', partChanges: 100 });
    sync = await start();
    await pair.waitFor(count, (n) => n === 10);

    const bigXid = await inTransaction(insertRows(11, 2_510));
    await pair.waitFor(count, (n) => n === 2_510);
    expect(await asText('target')).toBe(await asText('source'));
    expect(await checkpointXid()).toBe(bigXid);
    expect(sync.sink.totals.parts).toBeGreaterThanOrEqual(20);
    expect(sync.sink.totals.copies).toBeGreaterThan(0);
    expect(sync.sink.totals.transactions).toBe(1);

    // Stopped: a big transaction with updates and deletes, and small ones, wait in the slot.
    await sync.stop();
    await inTransaction(
      `${insertRows(2_511, 3_000)}; UPDATE big SET t = 'updated ' || id WHERE id % 3 = 0; DELETE FROM big WHERE id % 11 = 0`,
    );
    let lastXid = '';
    for (let id = 3_001; id <= 3_050; id++) lastXid = await inTransaction(insertRows(id, id));
    sync = await start();
    await pair.waitFor(count, (n) => n === 3_050 - Math.floor(3_000 / 11));
    expect(await asText('target')).toBe(await asText('source'));
    expect(await checkpointXid()).toBe(lastXid);
    // Only the 51 new transactions went in (the slot re-sends nothing acknowledged).
    expect(sync.sink.totals.transactions).toBe(51);
    expect(sync.sink.totals.parts).toBeGreaterThan(0);
    const transactions = await pair.query('target', 'SELECT transactions::int AS n FROM strangler_sync.checkpoint');
    expect(transactions.rows[0]).toEqual({ n: 52 });
  });
});
