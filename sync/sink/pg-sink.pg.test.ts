/** PgSink against a real target: renames and computed columns, fidelity of values carried as text, checkpoint idempotence. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent, Relation, SourceTransaction } from '../change.js';
import { parseLsn } from '../change.js';
import { parseSyncConfig } from '../config/load.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres.js';
import pg from 'pg';
import { PgSink } from './pg-sink.js';

let target: TestDatabase;
let client: pg.Client;

const relation: Relation = {
  oid: 1,
  schema: 'public',
  table: 'items',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 23, isKey: true },
    { name: 'name', typeOid: 25, isKey: false },
    { name: 'price', typeOid: 1700, isKey: false },
  ],
};

function tx(n: number, changes: Array<Pick<ChangeEvent, 'op' | 'before' | 'after'>>): SourceTransaction {
  return {
    xid: 1000 + n,
    commitLsn: BigInt(n * 100),
    endLsn: BigInt(n * 100 + 8),
    commitTime: Date.now(),
    relations: [],
    changes: changes.map((change) => ({
      ...change,
      source: {
        connector: 'strangler',
        db: 'src',
        schema: 'public',
        table: 'items',
        lsn: n * 100,
        txId: 1000 + n,
        ts_ms: Date.now(),
        snapshot: 'false',
      },
      ts_ms: Date.now(),
      relation,
    })),
  };
}

const config = parseSyncConfig(
  `source: { urlEnv: A }
target: { urlEnv: B }
slot: sink_test
publication: sink_test
tables:
  - source: items
    target: catalog_item
    columns: { id: item_id, name: title }
    exclude: [price]
    computed: { price_cents: "round($price * 100)::bigint" }
`,
  'sink.yaml',
);

beforeAll(async () => {
  target = await createTestDatabase('sink');
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await client.query('CREATE TABLE catalog_item (item_id integer PRIMARY KEY, title text NOT NULL, price_cents bigint NOT NULL)');
});

afterAll(async () => {
  await client.end();
  await target.drop();
});

describe('PgSink', () => {
  it('upserts, deletes and checkpoints in one transaction, and skips what the checkpoint holds', async () => {
    const sink = new PgSink({ url: target.url, slot: 'sink_test', mappings: config.tables });
    const batch = [
      tx(1, [{ op: 'c', before: null, after: { id: '1', name: 'mug', price: '12.34' } }]),
      tx(2, [
        { op: 'c', before: null, after: { id: '2', name: 'cup', price: '99999999.99' } },
        { op: 'u', before: null, after: { id: '1', name: 'big mug', price: '13.00' } },
      ]),
      tx(3, [{ op: 'd', before: { id: '2' }, after: null }]),
    ];
    expect(await sink.apply(batch)).toBe(300n);
    expect(await sink.checkpoint()).toBe(300n);
    const rows = await client.query('SELECT item_id, title, price_cents::text FROM catalog_item ORDER BY item_id');
    expect(rows.rows).toEqual([{ item_id: 1, title: 'big mug', price_cents: '1300' }]);
    // The same transactions again (a source that rewound after a crash): nothing changes.
    await client.query("UPDATE catalog_item SET title = 'changed in target'");
    expect(await sink.apply(batch)).toBe(300n);
    expect((await client.query('SELECT title FROM catalog_item')).rows).toEqual([{ title: 'changed in target' }]);
    const checkpoint = await client.query("SELECT commit_lsn::text, tx_id FROM strangler_sync.checkpoint WHERE slot_name = 'sink_test'");
    expect(checkpoint.rows).toEqual([{ commit_lsn: '0/12C', tx_id: '1003' }]);
    expect(parseLsn('0/12C')).toBe(300n);
    await sink.close();
    // A new sink (a restarted process) reads the checkpoint from the target.
    const again = new PgSink({ url: target.url, slot: 'sink_test', mappings: config.tables });
    expect(await again.checkpoint()).toBe(300n);
    expect(await again.apply([tx(3, [{ op: 'c', before: null, after: { id: '9', name: 'x', price: '1' } }])])).toBe(300n);
    expect((await client.query('SELECT count(*)::int AS n FROM catalog_item')).rows[0]).toEqual({ n: 1 });
    await again.close();
  });

  it('copies snapshot chunks with COPY into an empty table (exact values), and upserts when rows are there already', async () => {
    await client.query('CREATE TABLE copy_target (id integer PRIMARY KEY, name text, price numeric)');
    const plain = parseSyncConfig(
      `source: { urlEnv: A }\ntarget: { urlEnv: B }\nslot: copy_test\npublication: copy_test\ntables:\n  - source: items\n    target: copy_target\n`,
      'copy.yaml',
    );
    const sink = new PgSink({ url: target.url, slot: 'copy_test', mappings: plain.tables });
    const read = (after: Record<string, string | null>): ChangeEvent => ({
      op: 'r',
      before: null,
      after,
      source: { connector: 'strangler', db: 'src', schema: 'public', table: 'items', lsn: 1, txId: 1, ts_ms: 0, snapshot: 'true' },
      ts_ms: 0,
      relation,
    });
    const hard = 'tab\there\nnew line \\N back\\slash \r ü';
    await sink.applySnapshot({
      table: 'public.items',
      events: [read({ id: '1', name: hard, price: '1.10' }), read({ id: '2', name: null, price: 'NaN' })],
      lastKey: { id: '2' },
      tableDone: false,
    });
    expect(sink.totals.statements).toBe(1);
    // Someone else writes a key of the next chunk: COPY would fail, the chunk is upserted instead.
    await client.query("INSERT INTO copy_target VALUES (3, 'theirs', 0)");
    await sink.applySnapshot({
      table: 'public.items',
      events: [read({ id: '3', name: 'ours', price: '3' })],
      lastKey: { id: '3' },
      tableDone: true,
    });
    const rows = await client.query('SELECT id, name, price::text FROM copy_target ORDER BY id');
    expect(rows.rows).toEqual([
      { id: 1, name: hard, price: '1.10' },
      { id: 2, name: null, price: 'NaN' },
      { id: 3, name: 'ours', price: '3' },
    ]);
    const progress = await sink.snapshotProgress();
    expect(progress).toEqual([{ table: 'public.items', lastKey: { id: '3' }, rows: 3, done: true }]);
    await sink.close();
  });
});
