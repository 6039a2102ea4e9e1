/**
 * Value fidelity through capture and apply: every value arrives in the target exactly as the
 * source holds it (compared as text in both databases), by the initial copy and by streaming.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUrls } from '../../sync/config/load.js';
import { startSync, type SyncHandle } from '../../sync/runner/pg-sync.js';
import { verifySync } from '../../sync/verify/verify.js';
import { createSyncPair, type SyncPair } from './harness.js';

const COLUMNS = `
  id int PRIMARY KEY,
  n numeric, n_scaled numeric(40,20), f8 double precision, f4 real, i8 bigint,
  ts timestamptz, ts_plain timestamp, d date, tm time, iv interval,
  j json, jb jsonb, ints int[], texts text[], b bytea, m mood, u uuid, t text, c char(3), flag boolean`;

/** Rows of hard values (SQL literals per column, in order), each also NULL-filled once. */
const ROWS = [
  `1, '123456789012345678901234567890.123456789012345678901234567890', '-0.00000000000000000001', 0.1, 3.4028235e38, 9223372036854775807,
   '2024-02-29 23:59:59.999999+00', '1999-12-31 23:59:59.000001', '0001-01-01', '24:00:00', '1 year 2 mons 3 days 04:05:06.789',
   '{"b": 1,  "a": [1, 2.50, "x"], "a": "dup"}', '{"z": {"y": [null, true, 1e400]}, "k": "ü \\" \\\\ \\n"}',
   '{1,NULL,-3}', '{"a,b","c\\"d","",NULL,"NULL"}', '\\x00ff10', 'sad', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', E'tab\\there\\nnewline ü 😀 \\\\ back''quote', 'ab ', true`,
  `2, 'NaN', '0', '-0', 'Infinity', -9223372036854775808,
   'infinity', '-infinity', '2024-01-01', '00:00:00.000001', '-1 days -00:00:00.000001',
   '[]', '[]', '{}', '{}', '\\x', 'happy', '00000000-0000-0000-0000-000000000000', '', '   ', false`,
  `3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL`,
];

let pair: SyncPair;
let sync: SyncHandle | undefined;

beforeAll(async () => {
  pair = await createSyncPair('fidelity');
  for (const side of ['source', 'target'] as const) {
    await pair.query(side, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
    await pair.query(side, `CREATE TABLE vals (${COLUMNS})`);
  }
  await pair.query('source', `INSERT INTO vals VALUES (${ROWS[0] ?? ''})`);
});

afterAll(async () => {
  await sync?.stop();
  await pair.cleanup();
});

const asText = async (side: 'source' | 'target'): Promise<Array<Record<string, string | null>>> => {
  const columns = (
    await pair.query(side, "SELECT attname FROM pg_attribute WHERE attrelid = 'vals'::regclass AND attnum > 0 ORDER BY attnum")
  ).rows.map((row: { attname: string }) => row.attname);
  const result = await pair.query(side, `SELECT ${columns.map((c) => `${c}::text AS ${c}`).join(', ')} FROM vals ORDER BY id`);
  return result.rows as Array<Record<string, string | null>>;
};

describe('value fidelity', () => {
  it('carries numeric, timestamptz (µs), json/jsonb, arrays, bytea, enums, text and NULLs exactly, by copy and by stream', async () => {
    const config = pair.config('  - source: vals\n    target: vals\n');
    sync = await startSync({ config, urls: resolveUrls(config, pair.env), metricsListen: '127.0.0.1:0' });
    await pair.waitFor(
      async () => (await asText('target')).length,
      (n) => n === 1,
    );
    await pair.query('source', `INSERT INTO vals VALUES (${ROWS[1] ?? ''}), (${ROWS[2] ?? ''})`);
    await pair.query('source', "UPDATE vals SET n = n + 0.000000000000000000000000000001, ts = ts - interval '1 microsecond' WHERE id = 1");
    await pair.waitFor(
      async () => JSON.stringify(await asText('target')) === JSON.stringify(await asText('source')),
      (same) => same,
    );
    const target = await asText('target');
    expect(target).toEqual(await asText('source'));
    expect(target[0]).toMatchObject({
      n: '123456789012345678901234567890.123456789012345678901234567891',
      ts: expect.stringMatching(/^2024-02-29 \d\d:59:59\.999998/),
      j: '{"b": 1,  "a": [1, 2.50, "x"], "a": "dup"}',
      b: '\\x00ff10',
      m: 'sad',
    });
    expect(target[1]).toMatchObject({ n: 'NaN', ts: 'infinity', f8: '-0', texts: '{}' });
    expect(Object.entries(target[2] ?? {}).filter(([key, value]) => key !== 'id' && value !== null)).toEqual([]);
    expect((await verifySync({ config, urls: resolveUrls(config, pair.env) })).equal).toBe(true);
  });
});
