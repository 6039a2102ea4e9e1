import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/postgres.js';
import type { ChangeEvent, Row } from '../change.js';
import { Collector } from './__fixtures__/collect.js';
import { PgChangeSource } from './pg-change-source.js';
import { dropSlotAndPublication, setupSource } from './setup.js';
import { openSnapshot } from './snapshot.js';

let db: TestDatabase;
let sql: pg.Client;
const suffix = Math.random().toString(36).slice(2, 8);
const slot = `t_snap_${suffix}`;
const publication = `t_snap_pub_${suffix}`;
const tables = [
  { schema: 'public', table: 'accounts' },
  { schema: 'public', table: 'pairs' },
];

/** Applies change events to an in-memory copy keyed by `id` (the tables here use it as key). */
function apply(state: Map<string, Row>, events: readonly ChangeEvent[], key: (row: Row) => string): void {
  for (const event of events) {
    if (event.op === 'r' || event.op === 'c') state.set(key(event.after ?? {}), { ...event.after });
    else if (event.op === 'u') {
      if (event.before) state.delete(key(event.before));
      state.set(key(event.after ?? {}), { ...event.after });
    } else if (event.op === 'd') state.delete(key(event.before ?? {}));
    else state.clear();
  }
}

async function tableState(client: pg.Client, table: string, key: (row: Row) => string): Promise<Map<string, Row>> {
  const cols = table === 'accounts' ? 'id::text, balance::text, note' : 'a::text, b, v::text';
  const result = await client.query<Row>(`SELECT ${cols} FROM ${table}`);
  return new Map(result.rows.map((row) => [key(row), row]));
}

const accountKey = (row: Row): string => row.id ?? '';
const pairKey = (row: Row): string => `${row.a ?? ''}|${row.b ?? ''}`;

beforeAll(async () => {
  db = await createTestDatabase('sync_snapshot');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  await sql.query(`CREATE TABLE accounts (id int PRIMARY KEY, balance numeric(12,2) NOT NULL, note text)`);
  await sql.query(
    `INSERT INTO accounts SELECT i, i * 1.25, CASE WHEN i % 7 = 0 THEN NULL ELSE E'n\\t' || i END FROM generate_series(1, 5000) i`,
  );
  await sql.query(`CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b))`);
  await sql.query(`INSERT INTO pairs SELECT i / 10, 'k' || (i % 10), i FROM generate_series(1, 1500) i`);
  await setupSource({ connection: { connectionString: db.url }, slot, publication, tables });
});

afterAll(async () => {
  await dropSlotAndPublication({ connection: { connectionString: db.url }, slot, publication, force: true }).catch(() => undefined);
  await sql?.end();
  await db?.drop();
});

describe('openSnapshot', () => {
  it('copies a consistent snapshot and streams the rest with no gap and no overlap under a concurrent writer', async () => {
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    let writing = true;
    let written = 0;
    const writes = (async () => {
      for (let i = 0; writing; i++) {
        const id = 10_000 + i;
        await writer.query('BEGIN');
        await writer.query('INSERT INTO accounts VALUES ($1, $2, $3)', [id, '1.00', 'new']);
        await writer.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [1 + (i % 5000)]);
        if (i % 3 === 0) await writer.query('DELETE FROM accounts WHERE id = $1', [4000 + i]);
        await writer.query('UPDATE pairs SET v = v + 1 WHERE a = $1', [i % 150]);
        await writer.query('COMMIT');
        written++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const snapshot = await openSnapshot({ connection: { connectionString: db.url }, slot, tables, chunkRows: 700 });
    expect(snapshot.mode).toBe('exported');
    const accounts = new Map<string, Row>();
    const pairs = new Map<string, Row>();
    const snapshotIds = new Set<string>();
    let batches = 0;
    let lastFlags = 0;
    for await (const batch of snapshot.batches()) {
      batches++;
      if (batch.last) lastFlags++;
      for (const event of batch.events) expect(event.source.snapshot).toBe(event === batch.events.at(-1) && batch.last ? 'last' : 'true');
      if (batch.table.relation.table === 'accounts') {
        apply(accounts, batch.events, accountKey);
        for (const e of batch.events) snapshotIds.add(e.after?.id ?? '');
      } else apply(pairs, batch.events, pairKey);
    }
    await snapshot.close();
    expect(batches).toBeGreaterThan(8);
    expect(lastFlags).toBe(1);
    expect(written).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    writing = false;
    await writes;
    const marker = await writer.query<{ lsn: string }>(
      `INSERT INTO pairs VALUES (-1, 'end', 0) RETURNING pg_current_wal_lsn()::text AS lsn`,
    );
    expect(marker.rowCount).toBe(1);
    await writer.end();

    const stream = new PgChangeSource({
      connection: { connectionString: db.url },
      slot,
      publication,
      startLsn: snapshot.consistentLsn,
      heartbeatIntervalMs: 0,
    });
    const collector = new Collector(stream);
    let overlap = 0;
    for (;;) {
      const [tx] = await collector.take(1);
      if (!tx) break;
      expect(tx.commitLsn).toBeGreaterThanOrEqual(snapshot.consistentLsn);
      for (const event of tx.changes) {
        // An insert of a key the snapshot already holds would mean the snapshot saw this transaction too.
        if (event.op === 'c' && event.source.table === 'accounts' && snapshotIds.has(event.after?.id ?? '')) overlap++;
      }
      apply(
        accounts,
        tx.changes.filter((e) => e.source.table === 'accounts'),
        accountKey,
      );
      apply(
        pairs,
        tx.changes.filter((e) => e.source.table === 'pairs'),
        pairKey,
      );
      stream.acknowledge(tx.endLsn);
      if (tx.changes.some((e) => e.after?.b === 'end')) break;
    }
    await stream.stop();
    expect(overlap).toBe(0);
    expect(accounts).toEqual(await tableState(sql, 'accounts', accountKey));
    expect(pairs).toEqual(await tableState(sql, 'pairs', pairKey));
  });

  it('resumes after the last copied key in a fresh snapshot over the existing slot', async () => {
    const snapshot = await openSnapshot({ connection: { connectionString: db.url }, slot, tables, chunkRows: 1000 });
    expect(snapshot.mode).toBe('resumed');
    expect(snapshot.overlapUntil).toBeGreaterThanOrEqual(snapshot.consistentLsn);
    const ids: string[] = [];
    const pairKeys: string[] = [];
    for await (const batch of snapshot.batches({
      'public.accounts': { afterKey: { id: '4990' } },
      'public.pairs': { afterKey: { a: '149', b: 'k5' } },
    })) {
      for (const e of batch.events) {
        if (batch.table.relation.table === 'accounts') ids.push(e.after?.id ?? '');
        else pairKeys.push(pairKey(e.after ?? {}));
      }
    }
    await snapshot.close();
    const expectedIds = await sql.query<{ id: string }>('SELECT id::text FROM accounts WHERE accounts.id > 4990 ORDER BY accounts.id');
    expect(ids).toEqual(expectedIds.rows.map((r) => r.id));
    const expectedPairs = await sql.query<{ k: string }>(
      `SELECT a || '|' || b AS k FROM pairs WHERE (pairs.a, pairs.b) > (149, 'k5') ORDER BY pairs.a, pairs.b`,
    );
    expect(pairKeys).toEqual(expectedPairs.rows.map((r) => r.k));
    expect(pairKeys.length).toBeGreaterThan(0);
  });

  it('copies and streams a partitioned table under its own name', async () => {
    await sql.query(`CREATE TABLE events (id int, region text, v text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)`);
    await sql.query(`CREATE TABLE events_eu PARTITION OF events FOR VALUES IN ('eu')`);
    await sql.query(`CREATE TABLE events_us PARTITION OF events FOR VALUES IN ('us')`);
    await sql.query(`INSERT INTO events SELECT i, CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, 'v' || i FROM generate_series(1, 300) i`);
    const names = { slot: `${slot}_part`, publication: `${publication}_part` };
    const connection = { connectionString: db.url };
    const table = [{ schema: 'public', table: 'events' }];
    try {
      await setupSource({ connection, ...names, tables: table });
      const snapshot = await openSnapshot({ connection, slot: names.slot, tables: table, chunkRows: 100 });
      let rows = 0;
      for await (const batch of snapshot.batches()) rows += batch.events.length;
      await snapshot.close();
      expect(rows).toBe(300);
      await sql.query(`INSERT INTO events VALUES (1000, 'eu', 'new')`);
      const stream = new PgChangeSource({ connection, ...names, heartbeatIntervalMs: 0 });
      const [tx] = await new Collector(stream).take(1);
      await stream.stop();
      expect(tx?.changes[0]).toMatchObject({ op: 'c', after: { id: '1000', region: 'eu', v: 'new' }, source: { table: 'events' } });
    } finally {
      await dropSlotAndPublication({ connection, ...names, force: true });
    }
  });
});
