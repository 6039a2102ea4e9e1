import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres.js';
import { isStranglerError } from '../../common/errors.js';
import type { SourceTransaction } from '../change.js';
import { Collector, waitFor } from './__fixtures__/collect.js';
import { HEARTBEAT_PREFIX, PgChangeSource } from './pg-change-source.js';
import { decodePgOutput } from './pgoutput-decoder.js';
import { createSlot, dropSlotAndPublication, readSlotLag, setupSource } from './setup.js';
import { querySlot } from './slot-state.js';

let db: TestDatabase;
let sql: pg.Client;
const suffix = Math.random().toString(36).slice(2, 8);
const slot = `t_cap_${suffix}`;
const publication = `t_cap_pub_${suffix}`;
const sources: PgChangeSource[] = [];

function source(options: Partial<ConstructorParameters<typeof PgChangeSource>[0]> = {}): PgChangeSource {
  const created = new PgChangeSource({
    connection: { connectionString: db.url },
    slot,
    publication,
    statusIntervalMs: 200,
    ackSendDelayMs: 20,
    heartbeatIntervalMs: 0,
    ...options,
  });
  sources.push(created);
  return created;
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isStranglerError(error) ? error.code : `not a StranglerError: ${String(error)}`;
  }
  return 'no error';
}

beforeAll(async () => {
  db = await createTestDatabase('sync_capture');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  await sql.query(`CREATE TYPE mood AS ENUM ('happy', 'sad')`);
  await sql.query(`CREATE TABLE items (
    id bigint PRIMARY KEY, price numeric, at timestamptz, doc jsonb, tags text[], data bytea, feeling mood, body text)`);
  await sql.query(`CREATE TABLE other (id int PRIMARY KEY, v text)`);
  await sql.query(`CREATE TABLE nokey (v text)`);
  await sql.query(`CREATE TABLE unpublished (id serial PRIMARY KEY, v text)`);
  await setupSource({
    connection: { connectionString: db.url },
    slot,
    publication,
    tables: [
      { schema: 'public', table: 'items' },
      { schema: 'public', table: 'other' },
    ],
  });
  await createSlot({ connectionString: db.url }, slot);
});

afterAll(async () => {
  for (const s of sources) await s.stop();
  await dropSlotAndPublication({ connection: { connectionString: db.url }, slot, publication, force: true }).catch(() => undefined);
  await sql?.end();
  await db?.drop();
});

describe('PgChangeSource', () => {
  let collector: Collector;
  let capture: PgChangeSource;
  const seen: SourceTransaction[] = [];

  it('decodes insert, update, delete and truncate with exact text values', async () => {
    capture = source();
    collector = new Collector(capture);
    await sql.query(`INSERT INTO items VALUES
      (1, 12345678901234567890.123456789012, '2026-01-02 03:04:05.123456+00', '{"b": [1, 2.50], "a": null}', '{x,"y z",NULL}', '\\x00ff10', 'happy', 'short'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    await sql.query(`UPDATE items SET price = 0.10, feeling = 'sad' WHERE id = 1`);
    await sql.query(`UPDATE items SET id = 3 WHERE id = 2`);
    await sql.query(`DELETE FROM items WHERE id = 3`);
    await sql.query(`TRUNCATE other`);
    const txs = await collector.take(5);
    seen.push(...txs);
    const expected = await sql.query<Record<string, string | null>>(
      `SELECT '1' AS id, '12345678901234567890.123456789012' AS price, '2026-01-02 03:04:05.123456+00'::timestamptz::text AS at,
        '{"b": [1, 2.50], "a": null}'::jsonb::text AS doc, '{x,"y z",NULL}'::text[]::text AS tags, '\\x00ff10'::bytea::text AS data,
        'happy' AS feeling, 'short' AS body`,
    );
    const [ins, upd, keyChange, del, trunc] = txs;
    expect(ins?.changes.map((c) => c.op)).toEqual(['c', 'c']);
    expect(ins?.changes[0]?.after).toEqual(expected.rows[0]);
    expect(ins?.changes[1]?.after).toEqual({
      id: '2',
      price: null,
      at: null,
      doc: null,
      tags: null,
      data: null,
      feeling: null,
      body: null,
    });
    expect(ins?.relations.map((r) => r.table)).toEqual(['items']);
    expect(ins?.relations[0]?.columns.filter((c) => c.isKey).map((c) => c.name)).toEqual(['id']);
    expect(upd?.changes[0]).toMatchObject({ op: 'u', before: { id: '1' }, after: { id: '1', price: '0.10', feeling: 'sad' } });
    expect(keyChange?.changes[0]).toMatchObject({ op: 'u', before: { id: '2' }, after: { id: '3' } });
    expect(del?.changes[0]).toMatchObject({ op: 'd', before: { id: '3' }, after: null });
    expect(trunc?.changes.map((c) => [c.op, c.source.table])).toEqual([['t', 'other']]);
    for (const tx of txs) {
      expect(tx.endLsn).toBeGreaterThan(tx.commitLsn);
      for (const change of tx.changes)
        expect(change.source).toMatchObject({ lsn: Number(tx.commitLsn), txId: tx.xid, snapshot: 'false', db: db.name });
    }
    expect(txs.map((t) => t.commitLsn)).toEqual([...txs.map((t) => t.commitLsn)].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('flags an unchanged TOAST column instead of sending a value', async () => {
    await sql.query(`INSERT INTO items (id, body) SELECT 10, string_agg(md5(i::text), '') FROM generate_series(1, 4000) i`);
    await sql.query(`UPDATE items SET price = 5 WHERE id = 10`);
    const [ins, upd] = await collector.take(2);
    seen.push(ins!, upd!);
    expect(ins?.changes[0]?.after?.body?.length).toBe(128_000);
    expect(upd?.changes[0]?.unchangedToast).toEqual(['body']);
    expect(upd?.changes[0]?.after).not.toHaveProperty('body');
    expect(upd?.changes[0]?.after?.price).toBe('5');
  });

  it('announces the new shape of a table after a column is added', async () => {
    await sql.query(`ALTER TABLE other ADD COLUMN added_at date`);
    await sql.query(`INSERT INTO other VALUES (1, 'v', '2026-12-01')`);
    const [tx] = await collector.take(1);
    seen.push(tx!);
    expect(tx?.relations.map((r) => r.columns.map((c) => c.name))).toEqual([['id', 'v', 'added_at']]);
    expect(tx?.changes[0]?.after).toEqual({ id: '1', v: 'v', added_at: '2026-12-01' });
  });

  it('refuses a second reader of the slot with SYNC_SLOT_IN_USE', async () => {
    expect(await errorCode(source().start())).toBe('SYNC_SLOT_IN_USE');
  });

  it('acknowledges only what the consumer acknowledged, and a restart re-delivers the rest', async () => {
    await sql.query(`INSERT INTO other VALUES (100, 'a')`);
    await sql.query(`INSERT INTO other VALUES (101, 'b')`);
    await sql.query(`INSERT INTO other VALUES (102, 'c')`);
    const [a, b, c] = await collector.take(3);
    // Acknowledge everything before a, and a itself, but not b or c.
    capture.acknowledge(a!.endLsn);
    await waitFor(async () => (await querySlot(sql, slot)).confirmedFlushLsn === a!.endLsn);
    // Keepalives keep coming; with b and c unacknowledged the slot must not move past a.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await querySlot(sql, slot)).confirmedFlushLsn).toBe(a!.endLsn);
    await capture.stop();
    await waitFor(async () => !(await querySlot(sql, slot)).active);

    const again = source();
    try {
      const redelivered = await new Collector(again).take(2);
      expect(redelivered.map((t) => t.changes[0]?.after?.id)).toEqual(['101', '102']);
      expect(redelivered.map((t) => t.endLsn)).toEqual([b!.endLsn, c!.endLsn]);
      again.acknowledge(c!.endLsn);
      // At least c: once nothing is pending, a keepalive may carry the slot past it (WAL that other
      // databases of a shared server wrote meanwhile; the next test covers that case).
      await waitFor(async () => ((await querySlot(sql, slot)).confirmedFlushLsn ?? 0n) >= c!.endLsn);
      expect(again.stats()).toMatchObject({ pendingTransactions: 0 });
      const lag = await readSlotLag(sql, slot);
      expect(lag.active).toBe(true);
      expect(lag.bytes).toBeGreaterThanOrEqual(0);
    } finally {
      // A failure here must not leave the slot active for the tests after this one.
      await again.stop();
    }
  });

  it('acknowledges keepalive positions past unrelated WAL only when nothing is pending', async () => {
    await waitFor(async () => !(await querySlot(sql, slot)).active);
    const idle = source({ heartbeatIntervalMs: 300 });
    // A failure must not leave the slot active for the tests after this one.
    try {
      const reader = new Collector(idle);
      await idle.start();
      const before = (await querySlot(sql, slot)).confirmedFlushLsn ?? 0n;
      await sql.query(`INSERT INTO unpublished (v) SELECT 'x' FROM generate_series(1, 100)`);
      await waitFor(async () => ((await querySlot(sql, slot)).confirmedFlushLsn ?? 0n) > before);
      expect(await reader.quiet(300)).toBe('quiet');

      // A delivered, unacknowledged transaction pins the slot even while keepalives arrive.
      await sql.query(`INSERT INTO other VALUES (200, 'pending')`);
      const [pending] = await reader.take(1);
      // A position acknowledged while idle just before (a heartbeat's keepalive) may still be on
      // its way (ackSendDelayMs): the slot is pinned where it lands, below the pending transaction.
      const acknowledged = idle.stats().acknowledged;
      await waitFor(async () => ((await querySlot(sql, slot)).confirmedFlushLsn ?? 0n) >= acknowledged);
      const pinned = (await querySlot(sql, slot)).confirmedFlushLsn ?? 0n;
      expect(pinned).toBe(acknowledged);
      expect(pinned).toBeLessThan(pending!.endLsn);
      await sql.query(`INSERT INTO unpublished (v) SELECT 'x' FROM generate_series(1, 100)`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await querySlot(sql, slot)).confirmedFlushLsn).toBe(pinned);
      expect(idle.lagSeconds()).toBeGreaterThan(0);
      idle.acknowledge(pending!.endLsn);
      await waitFor(async () => ((await querySlot(sql, slot)).confirmedFlushLsn ?? 0n) >= pending!.endLsn);
      expect(idle.lagSeconds()).toBe(0);
    } finally {
      await idle.stop();
    }
  });

  it('writes heartbeats on an idle database, so the slot keeps moving without any traffic', async () => {
    await waitFor(async () => !(await querySlot(sql, slot)).active);
    // A second pgoutput slot, read through SQL with messages on, shows what the heartbeat wrote.
    const witness = `${slot}_hb`;
    await sql.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [witness]);
    try {
      const idle = source({ heartbeatIntervalMs: 200 });
      await idle.start();
      const reader = new Collector(idle);
      const before = (await querySlot(sql, slot)).confirmedFlushLsn ?? 0n;
      await waitFor(async () => ((await querySlot(sql, slot)).confirmedFlushLsn ?? 0n) > before);
      expect(await reader.quiet(600)).toBe('quiet');
      await idle.stop();
      const peek = await sql.query<{ data: Buffer }>(
        "SELECT data FROM pg_logical_slot_peek_binary_changes($1, NULL, NULL, 'proto_version', '1', 'publication_names', $2, 'messages', 'true')",
        [witness, publication],
      );
      const heartbeats = peek.rows
        .map((row) => decodePgOutput(row.data))
        .filter((m) => m.tag === 'message' && m.prefix === HEARTBEAT_PREFIX);
      expect(heartbeats.length).toBeGreaterThan(0);
      expect(heartbeats[0]).toMatchObject({ transactional: false });
    } finally {
      await sql.query('SELECT pg_drop_replication_slot($1)', [witness]);
    }
  });

  it('pauses reading while the consumer is behind, then delivers everything', async () => {
    await waitFor(async () => !(await querySlot(sql, slot)).active);
    const slow = source({ highWaterEvents: 10 });
    await slow.start();
    const reader = new Collector(slow);
    await sql.query(
      `DO $$ BEGIN FOR i IN 1000..1299 LOOP INSERT INTO other VALUES (i, repeat(md5(i::text), 128)); COMMIT; END LOOP; END $$`,
    );
    await waitFor(async () => slow.stats().paused);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Paused: at most what one socket read holds beyond the mark, far from all 300 transactions.
    expect(slow.stats().queuedEvents).toBeLessThan(100);
    expect(slow.stats().transactions).toBeLessThan(300);
    const all = await reader.take(300);
    expect(all.map((tx) => tx.changes[0]?.after?.id)).toEqual(Array.from({ length: 300 }, (_, i) => String(1000 + i)));
    slow.acknowledge(all.at(-1)!.endLsn);
    await slow.stop();
  });

  it('validates tables: no primary key, missing table', async () => {
    const base = { connection: { connectionString: db.url }, slot: `${slot}_x`, publication: `${publication}_x` };
    expect(await errorCode(setupSource({ ...base, tables: [{ schema: 'public', table: 'nokey' }] }))).toBe('SYNC_NO_PRIMARY_KEY');
    expect(await errorCode(setupSource({ ...base, tables: [{ schema: 'public', table: 'missing' }] }))).toBe('SYNC_TABLE_MISSING');
    await sql.query(`ALTER TABLE nokey REPLICA IDENTITY FULL`);
    const ok = await setupSource({ ...base, tables: [{ schema: 'public', table: 'nokey' }] });
    expect(ok.publication.tables).toEqual(['public.nokey']);
    expect(ok.slot.exists).toBe(false);
    await dropSlotAndPublication(base);
  });

  it('drops the slot and the publication; an active slot only with force', async () => {
    await waitFor(async () => !(await querySlot(sql, slot)).active);
    const live = source();
    await live.start();
    await waitFor(async () => (await querySlot(sql, slot)).active);
    const options = { connection: { connectionString: db.url }, slot, publication };
    expect(await errorCode(dropSlotAndPublication(options))).toBe('SYNC_SLOT_IN_USE');
    expect(await dropSlotAndPublication({ ...options, force: true })).toEqual({ slotDropped: true, publicationDropped: true });
    expect((await querySlot(sql, slot)).exists).toBe(false);
    expect(await dropSlotAndPublication(options)).toEqual({ slotDropped: false, publicationDropped: false });
    await expect(new Collector(live).take(1, 5_000)).rejects.toThrow();
  });

  it('reports a role without REPLICATION', async () => {
    const role = `t_norepl_${suffix}`;
    await sql.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
    try {
      const url = new URL(db.url);
      url.username = role;
      url.password = 'pw';
      const code = await errorCode(setupSource({ connection: { connectionString: url.toString() }, slot, publication, tables: [] }));
      expect(code).toBe('SYNC_NO_REPLICATION_ROLE');
    } finally {
      await sql.query(`DROP ROLE ${role}`);
    }
  });
});
