/**
 * Debezium Server's HTTP sink, played by fetch() over real HTTP, into a real PostgreSQL target
 * through startDebeziumIngest: events are answered only once applied, re-sent ones are answered
 * without being applied again (an audit trigger counts every row write), an out-of-order pair is
 * applied in stream order, malformed events get a 400 naming the field, and a restart skips what
 * the target's checkpoint holds.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSyncConfig } from '../../sync/config/load.js';
import { startDebeziumIngest, type DebeziumIngestHandle } from '../../sync/debezium/ingest.js';
import { readCheckpoint } from '../../sync/sink/bookkeeping.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { CATALOG_AUDIT_DDL, catalogAudit, catalogRows, postEvent, withSchema } from './debezium-events.js';

let target: TestDatabase;
let client: pg.Client;

const config = () =>
  parseSyncConfig(
    `source: { urlEnv: UNUSED_SOURCE_URL }
target: { urlEnv: DST_URL }
slot: dbz_ingest
publication: dbz_unused
metrics: { enabled: false }
batching: { maxWait: 2ms }
retry: { initial: 50ms, max: 500ms }
debezium: { listen: "127.0.0.1:0", tokenEnv: DBZ_TOKEN, quietPeriod: 150ms }
tables:
  - source: public.products
    target: catalog_item
    columns: { name: title }
    exclude: [price]
    computed: { price_cents: "round($price * 100)::bigint" }
`,
    'debezium-test.yaml',
  );

const TOKEN = 'test-token-1';

const post = (handle: DebeziumIngestHandle, body: string, token: string | null = TOKEN) => postEvent(handle.url, body, token);

const tx100a = withSchema('c', { txId: 100, lastCommit: 1000, lsn: 1010 }, null, { id: 1, name: 'Lamp', cents: 1990, thumb: '3q2+7w==' });
const tx100b = withSchema('c', { txId: 100, lastCommit: 1000, lsn: 1020 }, null, { id: 2, name: 'Chair', cents: 4500 });
// tx 101 started before tx 100 committed: its first change has a lower lsn than that commit.
const tx101a = withSchema(
  'u',
  { txId: 101, lastCommit: 1100, lsn: 1005 },
  { id: 1, name: 'Lamp', cents: 1990 },
  { id: 1, name: 'Lamp XL', cents: 2490, thumb: '3q2+7w==' },
);
const tx101b = withSchema('c', { txId: 101, lastCommit: 1100, lsn: 1200 }, null, { id: 3, name: 'Desk', cents: 12000, active: false });
const tx102 = withSchema('u', { txId: 102, lastCommit: 1300, lsn: 1310 }, null, { id: 3, name: 'Desk', cents: 500 });
const tx103 = withSchema('u', { txId: 103, lastCommit: 1400, lsn: 1410 }, null, { id: 3, name: 'Desk', cents: 700 });
const tx104 = withSchema('d', { txId: 104, lastCommit: 1500, lsn: 1510 }, { id: 2, name: 'Chair', cents: 4500 }, null);
const tx105 = withSchema('c', { txId: 105, lastCommit: 1600, lsn: 1610 }, null, { id: 4, name: 'Shelf', cents: 3000 });

async function start(): Promise<DebeziumIngestHandle> {
  return startDebeziumIngest({ config: config(), urls: { targetUrl: target.url }, env: { DBZ_TOKEN: TOKEN } });
}

beforeAll(async () => {
  target = await createTestDatabase('dbz_http');
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await client.query(CATALOG_AUDIT_DDL);
});

afterAll(async () => {
  await client.end();
  await target.drop();
});

describe('Debezium Server HTTP sink -> PostgreSQL target', () => {
  it('applies each event before answering, dedupes re-sends, keeps stream order, survives a restart', async () => {
    let handle = await start();
    try {
      expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

      expect((await post(handle, tx100a, null)).status).toBe(401);
      expect((await post(handle, tx100a, 'wrong')).status).toBe(401);
      const bad = await post(handle, tx100a.replace('"table":"products",', ''));
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: { code: 'SYNC_DEBEZIUM_INVALID', field: 'payload.source.table' } });
      const notJson = await post(handle, '{"payload": {');
      expect(notJson.status).toBe(400);
      expect(notJson.body).toMatchObject({ error: { field: '(body)' } });
      expect(await post(handle, '')).toMatchObject({ status: 200, body: { status: 'ignored' } });

      // One event at a time, as Debezium Server sends them: each answer means "in the target".
      expect(await post(handle, tx100a)).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect((await catalogRows(client)).map((r) => r['id'])).toEqual([1]);
      expect(await post(handle, tx100b)).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect(await post(handle, tx101a)).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect(await post(handle, tx101b)).toMatchObject({ status: 200, body: { status: 'applied' } });

      // Re-sends (Debezium retries after a lost answer, or rewinds to its last flushed offset).
      expect(await post(handle, tx100b)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
      expect(await post(handle, tx101a)).toMatchObject({ status: 200, body: { status: 'duplicate' } });

      // Out of order: tx 103 arrives before tx 102; both are applied in stream order (102 then 103).
      const [later, earlier] = await Promise.all([
        post(handle, tx103),
        new Promise((resolve) => setTimeout(resolve, 3)).then(() => post(handle, tx102)),
      ]);
      expect(later).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect(earlier).toMatchObject({ status: 200, body: { status: 'applied' } });

      // The same event twice at once: both answered, applied once.
      const twice = await Promise.all([post(handle, tx104), post(handle, tx104)]);
      expect(twice.map((r) => r.status)).toEqual([200, 200]);

      expect(await catalogRows(client)).toEqual([
        { id: 1, title: 'Lamp XL', price_cents: 2490, active: true, created: '2024-03-01 12:34:56.789012', thumb: 'deadbeef' },
        { id: 3, title: 'Desk', price_cents: 700, active: true, created: '2024-03-01 12:34:56.789012', thumb: null },
      ]);
      const applied = ['INSERT:1:1990', 'INSERT:2:4500', 'UPDATE:1:2490', 'INSERT:3:12000', 'UPDATE:3:500', 'UPDATE:3:700', 'DELETE:2:-'];
      expect(await catalogAudit(client)).toEqual(applied);
      expect(handle.source()?.stats).toMatchObject({ duplicates: 3, rejected: 2, tombstones: 1 });

      // Restart: the checkpoint in the target says what was applied; Debezium re-sends from its offset.
      await handle.stop();
      const checkpoint = await readCheckpoint(client, 'dbz_ingest');
      expect(checkpoint?.txId).toBe(104);
      handle = await start();
      for (const body of [tx100a, tx100b, tx101a, tx101b, tx102, tx103, tx104])
        expect(await post(handle, body)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
      expect(await post(handle, tx105)).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect(await catalogAudit(client)).toEqual([...applied, 'INSERT:4:3000']);
      expect((await catalogRows(client)).map((r) => r['id'])).toEqual([1, 3, 4]);

      // Three transactions at once, arriving 107, 106, 108: applied 106, 107, 108.
      const shelf = (txId: number, cents: number) =>
        withSchema('u', { txId, lastCommit: txId * 20, lsn: txId * 20 + 5 }, null, { id: 4, name: 'Shelf', cents });
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const answers = await Promise.all([
        post(handle, shelf(107, 3200)),
        pause(5).then(() => post(handle, shelf(106, 3100))),
        pause(10).then(() => post(handle, shelf(108, 3300))),
      ]);
      expect(answers.map((a) => a.body['status'])).toEqual(['applied', 'applied', 'applied']);
      expect((await catalogAudit(client)).slice(-3)).toEqual(['UPDATE:4:3100', 'UPDATE:4:3200', 'UPDATE:4:3300']);

      // An (incremental) snapshot: every row has the same position; each is applied, none taken for a re-send.
      const before = await readCheckpoint(client, 'dbz_ingest');
      const read = (id: number, marker: string) =>
        withSchema('r', { txId: 99, lastCommit: 0, lsn: 1000 }, null, { id, name: `Snap ${id}`, cents: id * 100 }, marker);
      for (const [id, marker] of [
        [10, 'first'],
        [11, 'true'],
        [12, 'last'],
      ] as const)
        expect(await post(handle, read(id, marker))).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect((await catalogRows(client)).map((r) => r['id'])).toEqual([1, 3, 4, 10, 11, 12]);
      expect((await readCheckpoint(client, 'dbz_ingest'))?.lsn).toBe(before?.lsn);
      expect(await post(handle, tx105)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    } finally {
      await handle.stop();
    }
  });

  it('fails to start with CONFIG_ENV_MISSING when the token variable is unset', async () => {
    await expect(startDebeziumIngest({ config: config(), urls: { targetUrl: target.url }, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_ENV_MISSING',
    });
  });
});
