/**
 * The initial copy's pass-through (raw COPY text from source to target) on real databases:
 * exact values, renames + subset + constants, resume after an interrupted chunk, and the mapped
 * path for mappings that cannot pass through (computed column, differing column type).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncConfig } from '../../sync/config/schema.js';
import { copySnapshot } from '../../sync/runner/snapshot-copy.js';
import { PgSink } from '../../sync/sink/pg-sink.js';
import { openSnapshot, type SnapshotProgress } from '../../sync/source/index.js';
import { createSyncPair, type SyncPair } from './harness.js';

let pair: SyncPair;
let config: Readonly<SyncConfig>;
const sinks: PgSink[] = [];

const VALUES = `
  (1, 12345678901234567890.000000001, '2024-01-02 03:04:05.123456+02', '{"a" :  [1, 2.50]}', '{"b": {"c": null}}',
   ARRAY[E'tab\\there', E'back\\\\slash', NULL, 'quote"d', ''], ARRAY[[1,2],[3,4]], '\\x00ff5c0a0d09'::bytea,
   E'line1\\nline2\\r\\n\\ttabbed \\\\ back', 'left out'),
  (2, 'NaN', '1999-12-31 23:59:59.999999+00', 'null', '[]', '{}', NULL, ''::bytea, '', NULL),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, -0.000001, 'infinity', '"\\u00e9 é"', '{"k": "v\\tw"}', ARRAY['é', 'ü ß'], ARRAY[[-1]], '\\x5c4e'::bytea, E'\\\\N', 'x')`;

beforeAll(async () => {
  pair = await createSyncPair('passthru');
  const sourceColumns = `n numeric, ts timestamptz, j json, jb jsonb, arr text[], ia int[], b bytea, t text`;
  await pair.query('source', `CREATE TABLE vals (id bigint PRIMARY KEY, ${sourceColumns}, extra text)`);
  await pair.query('source', `INSERT INTO vals VALUES ${VALUES}`);
  await pair.query('source', `INSERT INTO vals (id, t, n) SELECT g, 'row ' || g, g * 1.5 FROM generate_series(5, 40) g`);
  // Target: renamed key, no `extra`, two constants, columns in another order.
  await pair.query(
    'target',
    `CREATE TABLE vals_t (origin text NOT NULL, t text, vid bigint PRIMARY KEY, n numeric, ts timestamptz, j json, jb jsonb, arr text[], ia int[], b bytea, tier integer NOT NULL)`,
  );
  await pair.query('source', `CREATE TABLE computed (id int PRIMARY KEY, price numeric(10,2) NOT NULL)`);
  await pair.query('source', `INSERT INTO computed SELECT g, g + 0.25 FROM generate_series(1, 25) g`);
  await pair.query('target', `CREATE TABLE computed (id int PRIMARY KEY, price numeric(10,2) NOT NULL, cents bigint NOT NULL)`);
  await pair.query('source', `CREATE TABLE widened (id int PRIMARY KEY, v text)`);
  await pair.query('source', `INSERT INTO widened SELECT g, 'w' || g FROM generate_series(1, 25) g`);
  await pair.query('target', `CREATE TABLE widened (id bigint PRIMARY KEY, v text)`);
  await pair.query('source', `CREATE TABLE clash (id int PRIMARY KEY, v text)`);
  await pair.query('source', `INSERT INTO clash SELECT g, 'c' || g FROM generate_series(1, 10) g`);
  await pair.query('target', `CREATE TABLE clash (id int PRIMARY KEY, v text)`);
  config = pair.config(`  - source: public.vals
    target: vals_t
    columns: { id: vid }
    exclude: [extra]
    constants: { origin: "mono\\tlith", tier: "7" }
  - source: public.computed
    target: computed
    computed: { cents: "round($price * 100)::bigint" }
  - source: public.widened
    target: widened
  - source: public.clash
    target: clash
`);
});

afterAll(async () => {
  for (const sink of sinks) await sink.close();
  await pair.cleanup();
});

function newSink(): PgSink {
  const sink = new PgSink({ url: pair.target.url, slot: pair.slot, mappings: config.tables });
  sinks.push(sink);
  return sink;
}

const tables = [
  { schema: 'public', table: 'vals' },
  { schema: 'public', table: 'computed' },
  { schema: 'public', table: 'widened' },
];

async function progressOf(sink: PgSink): Promise<SnapshotProgress> {
  const progress: SnapshotProgress = {};
  for (const entry of await sink.snapshotProgress()) {
    progress[entry.table] = { done: entry.done, ...(entry.lastKey ? { afterKey: entry.lastKey } : {}) };
  }
  return progress;
}

const sourceVals = `SELECT id::text AS key, n::text, ts::text, j::text, jb::text, arr::text, ia::text, encode(b, 'hex') AS b, t FROM vals ORDER BY id`;
const targetVals = `SELECT vid::text AS key, n::text, ts::text, j::text, jb::text, arr::text, ia::text, encode(b, 'hex') AS b, t FROM vals_t ORDER BY vid`;
const micros = "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts FROM vals_t WHERE vid = 1";

describe('the initial copy pass-through', () => {
  it('resumes after an interrupted chunk and copies every value exactly, with renames, a subset and constants', async () => {
    // Row 12 breaks a target CHECK: its chunk (rows 10-12 at 3 rows a chunk) rolls back mid-copy.
    await pair.query('target', 'ALTER TABLE vals_t ADD CONSTRAINT not_twelve CHECK (vid <> 12)');
    const sink = newSink();
    const first = await openSnapshot({ connection: { connectionString: pair.source.url }, slot: pair.slot, tables, chunkRows: 3 });
    expect(first.mode).toBe('exported');
    try {
      await expect(copySnapshot(first, sink, {})).rejects.toThrow(/not_twelve/);
    } finally {
      await first.close();
    }
    expect((await pair.query('target', 'SELECT count(*)::int AS n, max(vid)::int AS top FROM vals_t')).rows[0]).toEqual({ n: 9, top: 9 });
    expect((await progressOf(sink))['public.vals']).toEqual({ done: false, afterKey: { id: '9' } });

    await pair.query('target', 'ALTER TABLE vals_t DROP CONSTRAINT not_twelve');
    const progress = await progressOf(sink);
    const resumed = await openSnapshot({ connection: { connectionString: pair.source.url }, slot: pair.slot, tables, chunkRows: 3 });
    expect(resumed.mode).toBe('resumed');
    let stats;
    try {
      stats = await copySnapshot(resumed, sink, progress);
    } finally {
      await resumed.close();
    }
    // The same sink remembers that vals_t was empty when its copy began: it keeps passing through.
    expect(stats.passThrough).toEqual(['public.vals']);
    expect(stats.rows).toBe(40 - 9 + 25 + 25);

    const expected = (await pair.query('source', sourceVals)).rows;
    const actual = (await pair.query('target', targetVals)).rows;
    expect(actual).toHaveLength(40);
    expect(actual).toEqual(expected);
    const first4 = actual.slice(0, 4);
    expect(first4[0]).toMatchObject({ j: '{"a" :  [1, 2.50]}', b: '00ff5c0a0d09' });
    expect(first4[0]?.t).toBe('line1\nline2\r\n\ttabbed \\ back');
    expect(first4[1]).toMatchObject({ n: 'NaN', arr: '{}', ia: null, b: '', t: '' });
    expect(first4[2]).toEqual({ key: '3', n: null, ts: null, j: null, jb: null, arr: null, ia: null, b: null, t: null });
    expect(first4[3]?.t).toBe('\\N');
    expect((await pair.query('target', micros)).rows).toEqual([{ ts: '2024-01-02 01:04:05.123456' }]);
    const constants = await pair.query('target', 'SELECT DISTINCT origin, tier FROM vals_t');
    expect(constants.rows).toEqual([{ origin: 'mono\tlith', tier: 7 }]);
  });

  it('takes the mapped path for a computed column and for a column type that differs', async () => {
    const computed = await pair.query('target', 'SELECT id, price::text, cents::text FROM computed WHERE id IN (1, 25) ORDER BY id');
    expect(computed.rows).toEqual([
      { id: 1, price: '1.25', cents: '125' },
      { id: 25, price: '25.25', cents: '2525' },
    ]);
    const widened = await pair.query('target', 'SELECT count(*)::int AS n, min(v) AS low FROM widened');
    expect(widened.rows[0]).toEqual({ n: 25, low: 'w1' });
    const progress = await progressOf(newSink());
    expect(progress['public.computed']).toEqual({ done: true, afterKey: { id: '25' } });
    expect(progress['public.widened']).toEqual({ done: true, afterKey: { id: '25' } });
    expect(progress['public.vals']).toEqual({ done: true, afterKey: { id: '40' } });
  });

  it('falls back to upserts when a raw COPY meets a row the target already holds', async () => {
    const sink = newSink();
    const clash = [{ schema: 'public', table: 'clash' }];
    const snapshot = await openSnapshot({
      connection: { connectionString: pair.source.url },
      slot: pair.slot,
      tables: clash,
      chunkRows: 4,
    });
    try {
      const [reader] = snapshot.tables;
      if (!reader) throw new Error('no table reader');
      // Decided while the target is empty; then someone writes one of the keys of the second chunk.
      const pass = await sink.snapshotPassThrough(reader.name, reader.info.relation, await reader.columnTypes(), reader.info.snapshotKey);
      expect(pass?.select).toEqual(['"id"', '"v"']);
      await pair.query('target', `INSERT INTO clash VALUES (6, 'written meanwhile')`);
      const stats = await copySnapshot(snapshot, sink, {});
      expect(stats).toEqual({ rows: 10, passThrough: [] });
    } finally {
      await snapshot.close();
    }
    const rows = await pair.query('target', 'SELECT id, v FROM clash ORDER BY id');
    expect(rows.rows).toEqual(Array.from({ length: 10 }, (_, i) => ({ id: i + 1, v: `c${i + 1}` })));
    expect((await progressOf(sink))['public.clash']).toEqual({ done: true, afterKey: { id: '10' } });
  });
});
