/**
 * PgSink's fast paths against a real target: many source transactions in one target
 * transaction (one checkpoint, the last commit LSN; a replay skips exactly the applied ones),
 * runs of inserts with COPY (exact values; an existing key falls back to upserts), and a large
 * source transaction applied in parts in one target transaction that commits at its end.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres.js';
import type { ChangeEvent, Relation, Row, SourceTransaction } from '../change.js';
import { parseSyncConfig } from '../config/load.js';
import type { TransactionPart } from '../source/transaction-assembler.js';
import { PgSink } from './pg-sink.js';

let target: TestDatabase;
let client: pg.Client;

const relation: Relation = {
  oid: 1,
  schema: 'public',
  table: 'items',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 20, isKey: true },
    { name: 'name', typeOid: 25, isKey: false },
    { name: 'price', typeOid: 1700, isKey: false },
    { name: 'at', typeOid: 1184, isKey: false },
  ],
};

function event(op: ChangeEvent['op'], before: Row | null, after: Row | null, n: number): ChangeEvent {
  return {
    op,
    before,
    after,
    source: { connector: 'strangler', db: 'src', schema: 'public', table: 'items', lsn: n, txId: n, ts_ms: 0, snapshot: 'false' },
    ts_ms: 0,
    relation,
  };
}

function tx(n: number, changes: ChangeEvent[]): SourceTransaction {
  return { xid: 5000 + n, commitLsn: BigInt(n * 100), endLsn: BigInt(n * 100 + 8), commitTime: Date.now(), relations: [], changes };
}

function part(n: number, changes: ChangeEvent[]): TransactionPart {
  return { ...tx(n, changes), endLsn: 0n, partial: true };
}

const insert = (id: number, name: string | null = `item ${id}`): ChangeEvent =>
  event('c', null, { id: String(id), name, price: `${id}.50`, at: '2026-12-01 07:00:00.123456+00' }, id);

/** A sink whose slot is named after its target table. */
function sinkFor(table: string): PgSink {
  const config = parseSyncConfig(
    `source: { urlEnv: A }\ntarget: { urlEnv: B }\nslot: s\npublication: p\ntables:\n  - { source: items, target: ${table} }\n`,
    'batched.yaml',
  );
  return new PgSink({ url: target.url, slot: `slot_${table}`, mappings: config.tables });
}

async function createTable(name: string): Promise<void> {
  await client.query(`CREATE TABLE ${name} (id bigint PRIMARY KEY, name text, price numeric(12,2), at timestamptz)`);
}

async function checkpointRow(table: string): Promise<{ commit_lsn: string; tx_id: string; transactions: string } | undefined> {
  const slot = `slot_${table}`;
  const result = await client.query<{ commit_lsn: string; tx_id: string; transactions: string }>(
    'SELECT commit_lsn::text, tx_id::text, transactions::text FROM strangler_sync.checkpoint WHERE slot_name = $1',
    [slot],
  );
  return result.rows[0];
}

beforeAll(async () => {
  target = await createTestDatabase('batched');
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await client.query('SET TimeZone = UTC');
});

afterAll(async () => {
  await client.end();
  await target.drop();
});

describe('PgSink batches and COPY', () => {
  it('lands 300 source transactions in one target transaction with one checkpoint, and a replay skips exactly the applied ones', async () => {
    await createTable('many');
    const sink = sinkFor('many');
    const first = Array.from({ length: 300 }, (_, i) => tx(i + 1, [insert(i + 1)]));
    expect(await sink.apply(first)).toBe(30_000n);
    expect(sink.totals).toMatchObject({ transactions: 300, skipped: 0, events: 300 });
    // 300 inserts in a row are one COPY, not 300 statements.
    expect(sink.totals.copies).toBe(1);
    expect(await checkpointRow('many')).toEqual({ commit_lsn: '0/7530', tx_id: '5300', transactions: '300' });
    expect((await client.query('SELECT count(*)::int AS n FROM many')).rows[0]).toEqual({ n: 300 });
    await sink.close();

    // A restarted process gets 200 of those again (the slot re-sent what was not acknowledged) and 100 new ones.
    const restarted = sinkFor('many');
    await client.query("UPDATE many SET name = 'changed in target' WHERE id = 150");
    const replay = Array.from({ length: 300 }, (_, i) => tx(i + 101, [insert(i + 101, `again ${i + 101}`)]));
    expect(await restarted.apply(replay)).toBe(40_000n);
    expect(restarted.totals).toMatchObject({ transactions: 100, skipped: 200 });
    expect(await checkpointRow('many')).toEqual({ commit_lsn: '0/9C40', tx_id: '5400', transactions: '400' });
    const rows = await client.query<{ id: string; name: string }>(
      'SELECT t.id::text, t.name FROM many t WHERE t.id IN (150, 300, 301, 400) ORDER BY t.id',
    );
    expect(rows.rows).toEqual([
      { id: '150', name: 'changed in target' },
      { id: '300', name: 'item 300' },
      { id: '301', name: 'again 301' },
      { id: '400', name: 'again 400' },
    ]);
    await restarted.close();
  });

  it('keeps the order of inserts, updates and deletes of the same keys within one batch', async () => {
    await createTable('ordered');
    const sink = sinkFor('ordered');
    const batch = [
      tx(
        1,
        Array.from({ length: 100 }, (_, i) => insert(i + 1)),
      ),
      tx(2, [event('d', { id: '5' }, null, 2), insert(5, 'inserted again')]),
      tx(3, [event('u', { id: '6' }, { id: '6', name: 'updated', price: '0.01', at: '2026-12-01 07:00:00+00' }, 3)]),
      tx(
        4,
        Array.from({ length: 100 }, (_, i) => insert(i + 101)),
      ),
      tx(5, [event('d', { id: '200' }, null, 5)]),
    ];
    expect(await sink.apply(batch)).toBe(500n);
    const rows = await client.query<{ id: string; name: string; price: string }>(
      'SELECT t.id::text, t.name, t.price::text FROM ordered t WHERE t.id IN (5, 6, 199, 200) ORDER BY t.id',
    );
    expect(rows.rows).toEqual([
      { id: '5', name: 'inserted again', price: '5.50' },
      { id: '6', name: 'updated', price: '0.01' },
      { id: '199', name: 'item 199', price: '199.50' },
    ]);
    expect((await client.query('SELECT count(*)::int AS n FROM ordered')).rows[0]).toEqual({ n: 199 });
    expect(sink.totals.copies).toBe(2);
    await sink.close();
  });

  it('carries exact values through COPY (escapes, NULL, numeric, timestamptz)', async () => {
    await createTable('exact');
    const sink = sinkFor('exact');
    const hard = "tab\there\nnew line \\N back\\slash \r ü 'quote'";
    const changes = Array.from({ length: 99 }, (_, i) => insert(i + 1));
    changes.push(event('c', null, { id: '100', name: hard, price: '-0.05', at: '1999-12-31 23:59:59.999999+00' }, 100));
    changes.push(event('c', null, { id: '101', name: null, price: '12345678.91', at: '2026-06-01 12:00:00+02' }, 101));
    await sink.apply([tx(1, changes)]);
    expect(sink.totals.copies).toBe(1);
    const rows = await client.query('SELECT t.id::text, t.name, t.price::text, t.at::text FROM exact t WHERE t.id >= 100 ORDER BY t.id');
    expect(rows.rows).toEqual([
      { id: '100', name: hard, price: '-0.05', at: '1999-12-31 23:59:59.999999+00' },
      { id: '101', name: null, price: '12345678.91', at: '2026-06-01 10:00:00+00' },
    ]);
    await sink.close();
  });

  it('upserts the batch when an insert meets a row the target already holds', async () => {
    await createTable('clash');
    await client.query("INSERT INTO clash VALUES (50, 'written by the service', 0, now())");
    const sink = sinkFor('clash');
    const batch = Array.from({ length: 100 }, (_, i) => tx(i + 1, [insert(i + 1)]));
    expect(await sink.apply(batch)).toBe(10_000n);
    expect(sink.totals.copies).toBe(0);
    expect((await client.query('SELECT count(*)::int AS n FROM clash')).rows[0]).toEqual({ n: 100 });
    expect((await client.query('SELECT name FROM clash WHERE id = 50')).rows[0]).toEqual({ name: 'item 50' });
    expect(await checkpointRow('clash')).toMatchObject({ commit_lsn: '0/2710', transactions: '100' });
    await sink.close();
  });
});

describe('PgSink.applyStream', () => {
  it('applies a large transaction in parts in one target transaction that commits only at its end', async () => {
    await createTable('streamed');
    const sink = sinkFor('streamed');
    const rows = Array.from({ length: 3_000 }, (_, i) => insert(i + 1));
    const before = [tx(1, [insert(10_001)])];
    // A whole small transaction, then the first part of transaction 2 (its end not received yet).
    expect(await sink.applyStream([...before, part(2, rows.slice(0, 1_000))])).toEqual({ open: true, checkpoint: undefined });
    expect(sink.streaming).toBe(true);
    expect(await sink.applyStream([part(2, rows.slice(1_000, 2_000))])).toMatchObject({ open: true });
    // Nothing is visible (nor checkpointed) outside the open target transaction.
    expect((await client.query('SELECT count(*)::int AS n FROM streamed')).rows[0]).toEqual({ n: 0 });
    expect(await checkpointRow('streamed')).toBeUndefined();
    expect(await sink.applyStream([tx(2, rows.slice(2_000)), tx(3, [insert(10_002)])])).toEqual({ open: false, checkpoint: 300n });
    expect(sink.streaming).toBe(false);
    expect((await client.query('SELECT count(*)::int AS n FROM streamed')).rows[0]).toEqual({ n: 3_002 });
    expect(await checkpointRow('streamed')).toEqual({ commit_lsn: '0/12C', tx_id: '5003', transactions: '3' });
    expect(sink.totals).toMatchObject({ transactions: 3, events: 3_002 });

    // The source sends transaction 2 again (its parts too): all skipped, nothing opened.
    expect(await sink.applyStream([part(2, rows.slice(0, 1_000))])).toEqual({ open: false, checkpoint: 300n });
    expect(sink.streaming).toBe(false);
    expect(await sink.applyStream([tx(2, rows.slice(1_000)), tx(4, [insert(10_003)])])).toEqual({ open: false, checkpoint: 400n });
    expect(sink.totals.skipped).toBe(1);
    expect((await client.query('SELECT count(*)::int AS n FROM streamed')).rows[0]).toEqual({ n: 3_003 });
    await sink.close();
  });

  it('leaves nothing behind when the stream is abandoned before the transaction ends', async () => {
    await createTable('abandoned');
    const sink = sinkFor('abandoned');
    const rows = Array.from({ length: 500 }, (_, i) => insert(i + 1));
    expect(await sink.applyStream([tx(1, [insert(1_000)]), part(2, rows.slice(0, 250))])).toMatchObject({ open: true });
    await sink.abortStream();
    expect(sink.streaming).toBe(false);
    expect((await client.query('SELECT count(*)::int AS n FROM abandoned')).rows[0]).toEqual({ n: 0 });
    expect(await sink.checkpoint()).toBeUndefined();
    // Read again from the source: applied whole, once.
    expect(await sink.applyStream([tx(1, [insert(1_000)]), part(2, rows.slice(0, 250))])).toMatchObject({ open: true });
    expect(await sink.applyStream([tx(2, rows.slice(250))])).toEqual({ open: false, checkpoint: 200n });
    expect((await client.query('SELECT count(*)::int AS n FROM abandoned')).rows[0]).toEqual({ n: 501 });
    await sink.close();
  });

  it('starts over with upserts when an insert in a transaction applied in parts meets an existing row', async () => {
    await createTable('clash_streamed');
    await client.query("INSERT INTO clash_streamed VALUES (150, 'written by the service', 0, now())");
    const sink = sinkFor('clash_streamed');
    const rows = Array.from({ length: 300 }, (_, i) => insert(i + 1));
    const items = [[part(1, rows.slice(0, 200))], [tx(1, rows.slice(200))]];
    const failure = await (async () => {
      for (const batch of items) await sink.applyStream(batch);
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SYNC_APPLY_RESTART' });
    expect(sink.streaming).toBe(false);
    expect((await client.query('SELECT count(*)::int AS n FROM clash_streamed')).rows[0]).toEqual({ n: 1 });
    // Read again from the source: this table's inserts are upserts now.
    for (const batch of items) await sink.applyStream(batch);
    expect((await client.query('SELECT count(*)::int AS n FROM clash_streamed')).rows[0]).toEqual({ n: 300 });
    expect((await client.query('SELECT name FROM clash_streamed WHERE id = 150')).rows[0]).toEqual({ name: 'item 150' });
    expect(await checkpointRow('clash_streamed')).toMatchObject({ commit_lsn: '0/64', transactions: '1' });
    await sink.close();
  });
});
