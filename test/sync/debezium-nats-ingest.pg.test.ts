/**
 * `strangler sync debezium` with `debezium.nats`: Debezium change events from a real JetStream
 * stream (NATS at 127.0.0.1:4222) into a real PostgreSQL target through startDebeziumNatsIngest.
 * An audit trigger in the target records every row write, so "applied once" is visible. TCP
 * relays in front of PostgreSQL and of NATS cut the connections for the outage and crash cases
 * (fixtures: debezium-events.ts).
 * Each test uses its own stream and deletes it. NATS not reachable is a failure, not a skip.
 */
import { randomBytes } from 'node:crypto';
import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSyncConfig } from '../../sync/config/load.js';
import { startDebeziumNatsIngest, type DebeziumNatsIngestHandle } from '../../sync/debezium/ingest.js';
import { NatsJetStreamPublisher } from '../../sync/debezium/nats-publisher.js';
import { readCheckpoint } from '../../sync/sink/bookkeeping.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import {
  CATALOG_AUDIT_DDL,
  catalogAudit,
  catalogRows,
  plain,
  PRODUCT_FIELDS,
  PRODUCTS_TO_CATALOG_YAML,
  productChange,
  productRow,
  productTransaction,
  relay,
  via,
  withFields,
  withSchema,
} from './debezium-events.js';

const NATS_URL = process.env['NATS_URL'] ?? '127.0.0.1:4222';
const SLOT = 'dbz_nats_in';

let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let target: TestDatabase;
let client: pg.Client;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  try {
    nc = await connect({ servers: NATS_URL, timeout: 3_000 });
    jsm = await nc.jetstreamManager();
    js = nc.jetstream();
  } catch (error) {
    throw new Error(
      `NATS with JetStream is not reachable at ${NATS_URL} (${String(error)}). These tests need a real server: run \`nats-server -js\` (CI starts one) or set NATS_URL.`,
    );
  }
  target = await createTestDatabase('dbz_nats_in');
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await client.query(CATALOG_AUDIT_DDL);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await nc?.close();
  await client?.end();
  await target?.drop();
});

/** A fresh target (rows, audit, checkpoint) and a stream of its own. */
/**
 * A target as if nothing had been synced into it: no rows, no checkpoint, and no record of the
 * source columns (the tests' products tables differ: the connector's fixture has six columns, our
 * publisher's three, and the sink would take the change for a source dropping columns).
 */
async function fresh(): Promise<{ stream: string; prefix: string }> {
  await client.query('TRUNCATE catalog_item, audit');
  for (const table of ['checkpoint', 'source_columns'])
    await client.query(
      `DO $$ BEGIN IF to_regclass('strangler_sync.${table}') IS NOT NULL THEN DELETE FROM strangler_sync.${table}; END IF; END $$`,
    );
  const id = randomBytes(4).toString('hex');
  const stream = `strangler_in_${id}`;
  const prefix = `shop_${id}`;
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
  cleanups.push(() => jsm.streams.delete(stream));
  return { stream, prefix };
}

function config(stream: string, extra = '') {
  return parseSyncConfig(
    `source: { urlEnv: UNUSED_SOURCE_URL }
target: { urlEnv: DST_URL }
slot: ${SLOT}
publication: dbz_unused
metrics: { enabled: false }
batching: { maxWait: 2ms }
retry: { initial: 50ms, max: 300ms }
debezium: { quietPeriod: 20ms, nats: { url: "${NATS_URL}", stream: ${stream}${extra} } }
${PRODUCTS_TO_CATALOG_YAML}`,
    'debezium-nats-test.yaml',
  );
}

async function publish(subject: string, bodies: readonly string[]): Promise<void> {
  const encoder = new TextEncoder();
  for (let i = 0; i < bodies.length; i += 200)
    await Promise.all(bodies.slice(i, i + 200).map((body) => js.publish(subject, encoder.encode(body))));
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const consumerInfo = (stream: string) => jsm.consumers.info(stream, `strangler_${SLOT}`);
/** The consumer's ack floor (stream sequence), -1 before the first session created it. */
const ackFloor = (stream: string) =>
  consumerInfo(stream).then(
    (info) => info.ack_floor.stream_seq,
    () => -1,
  );

describe('JetStream stream of Debezium events -> PostgreSQL target', () => {
  it('applies Debezium Server envelopes (with and without schemas) with exact values and acknowledges them', async () => {
    const { stream, prefix } = await fresh();
    const subject = `${prefix}.public.products`;
    await publish(subject, [
      withSchema('c', { txId: 100, lastCommit: 1000, lsn: 1010 }, null, { id: 1, name: 'Lamp', cents: 1990, thumb: '3q2+7w==' }),
      withSchema('c', { txId: 100, lastCommit: 1000, lsn: 1020 }, null, { id: 2, name: 'Chair', cents: 4500 }),
      // Transaction metadata and a tombstone: acknowledged, not applied.
      JSON.stringify({ status: 'END', id: '100:1000', ts_ms: 1709296500100, event_count: 2, data_collections: [] }),
      '',
      plain('u', { txId: 101, lastCommit: 1100, lsn: 1005 }, { id: 1, name: 'Lamp', cents: 1990 }, { id: 1, name: 'Lamp XL', cents: 2490 }),
      plain('c', { txId: 101, lastCommit: 1100, lsn: 1200 }, null, { id: 3, name: 'Desk', cents: 12000 }),
      withSchema('d', { txId: 102, lastCommit: 1300, lsn: 1310 }, { id: 2, name: 'Chair', cents: 4500 }, null),
    ]);
    const handle = await startDebeziumNatsIngest({ config: config(stream), urls: { targetUrl: target.url } });
    try {
      expect(handle.durable).toBe(`strangler_${SLOT}`);
      await waitFor(
        () => catalogAudit(client),
        (entries) => entries.length >= 5,
      );
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === 7,
      );
      expect(await catalogRows(client)).toEqual([
        // The update without schemas carries neither created nor thumb: the target keeps them.
        { id: 1, title: 'Lamp XL', price_cents: 2490, active: false, created: '2024-03-01 12:34:56.789012', thumb: 'deadbeef' },
        { id: 3, title: 'Desk', price_cents: 12000, active: false, created: null, thumb: null },
      ]);
      expect(await catalogAudit(client)).toEqual(['INSERT:1:1990', 'INSERT:2:4500', 'UPDATE:1:2490', 'INSERT:3:12000', 'DELETE:2:-']);
      expect((await readCheckpoint(client, SLOT))?.txId).toBe(102);
      expect((await consumerInfo(stream)).num_ack_pending).toBe(0);
      expect(handle.source()?.stats).toMatchObject({ received: 7, ignored: 2, applied: 5, duplicates: 0 });
      expect(handle.runner.metrics.transactions).toBeGreaterThanOrEqual(3);
    } finally {
      await handle.stop();
    }
  });

  it('keeps exact values of the first event (schemas: bytea, timestamp, Decimal)', async () => {
    const { stream, prefix } = await fresh();
    await publish(`${prefix}.public.products`, [
      withSchema('c', { txId: 200, lastCommit: 2000, lsn: 2010 }, null, { id: 7, name: 'Vase', cents: 123456789, thumb: '3q2+7w==' }),
    ]);
    const handle = await startDebeziumNatsIngest({ config: config(stream), urls: { targetUrl: target.url } });
    try {
      await waitFor(
        () => catalogRows(client),
        (r) => r.length === 1,
      );
      expect(await catalogRows(client)).toEqual([
        { id: 7, title: 'Vase', price_cents: 123456789, active: true, created: '2024-03-01 12:34:56.789012', thumb: 'deadbeef' },
      ]);
    } finally {
      await handle.stop();
    }
  });

  it('several subjects: only their messages are applied, the others acknowledged unread (filtered here on NATS before 2.10)', async () => {
    const { stream, prefix } = await fresh();
    const at = (txId: number) => ({ txId, lastCommit: txId * 10, lsn: txId * 10 + 5 });
    await publish(`${prefix}.public.products`, [plain('c', at(300), null, { id: 1, name: 'Lamp', cents: 100 })]);
    // Not a Debezium event at all: read, it would stop the ingest.
    await publish(`${prefix}.audit.log`, ['not json']);
    await publish(`${prefix}.staging.products`, [plain('c', at(301), null, { id: 2, name: 'Draft', cents: 1 })]);
    await publish(`${prefix}.public.products`, [plain('u', at(302), null, { id: 1, name: 'Lamp XL', cents: 200 })]);
    await publish(`${prefix}.archive.products`, [plain('c', at(303), null, { id: 3, name: 'Old', cents: 3 })]);
    const cfg = config(stream, `, subjects: ["${prefix}.public.*", "${prefix}.archive.>"]`);
    const handle = await startDebeziumNatsIngest({ config: cfg, urls: { targetUrl: target.url } });
    try {
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === 5,
      );
      expect((await catalogRows(client)).map((row) => [row['id'], row['title']])).toEqual([
        [1, 'Lamp XL'],
        [3, 'Old'],
      ]);
      // NATS 2.10 and later filter by themselves (the consumer has both filters) and never deliver them.
      const local = ((await consumerInfo(stream)).config.filter_subjects ?? []).length === 0;
      expect(handle.source()?.stats.skipped).toBe(local ? 2 : 0);
    } finally {
      await handle.stop();
    }
  });

  it('restarted mid-stream, neither loses nor applies twice', async () => {
    const { stream, prefix } = await fresh();
    const count = 1500;
    const bodies = [plain('c', { txId: 1, lastCommit: 10, lsn: 11 }, null, { id: 1, name: 'Counter', cents: 0 })];
    for (let i = 1; i < count; i++)
      bodies.push(plain('u', { txId: 1 + i, lastCommit: 10 * (i + 1), lsn: 10 * (i + 1) + 1 }, null, { id: 1, name: 'Counter', cents: i }));
    await publish(`${prefix}.public.products`, bodies);
    const cfg = config(stream, ', batch: 10');
    let handle = await startDebeziumNatsIngest({ config: cfg, urls: { targetUrl: target.url } });
    try {
      await waitFor(
        () => catalogAudit(client),
        (entries) => entries.length >= 200,
      );
      await handle.stop();
      const atStop = (await catalogAudit(client)).length;
      expect(atStop).toBeLessThan(count);
      handle = await startDebeziumNatsIngest({ config: cfg, urls: { targetUrl: target.url } });
      await waitFor(
        () => catalogAudit(client),
        (entries) => entries.length >= count,
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const expected = Array.from({ length: count }, (_, i) => (i === 0 ? 'INSERT:1:0' : `UPDATE:1:${i}`));
      expect(await catalogAudit(client)).toEqual(expected);
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === count,
      );
    } finally {
      await handle.stop();
    }
  }, 90_000);

  it('a message redelivered after a crash between the target commit and its ack is applied once', async () => {
    const { stream, prefix } = await fresh();
    const nats = await relay(Number(new URL(`nats://${NATS_URL.replace(/^nats:\/\//, '')}`).port || 4222));
    const cfg = parseSyncConfig(
      JSON.stringify({
        ...JSON.parse(JSON.stringify(config(stream))),
        debezium: { quietPeriod: 20, nats: { url: `127.0.0.1:${nats.port}`, stream, ackWait: 1000 } },
      }),
    );
    let handle: DebeziumNatsIngestHandle | undefined = await startDebeziumNatsIngest({ config: cfg, urls: { targetUrl: target.url } });
    try {
      await waitFor(
        async () => handle?.runner.state.state,
        (state) => state === 'streaming',
      );
      // The consumer's acks stop reaching NATS; the messages still reach it.
      nats.stall();
      await publish(`${prefix}.public.products`, [
        plain('c', { txId: 300, lastCommit: 3000, lsn: 3010 }, null, { id: 5, name: 'Rug', cents: 9900 }),
        plain('u', { txId: 301, lastCommit: 3100, lsn: 3110 }, null, { id: 5, name: 'Rug', cents: 8900 }),
      ]);
      await waitFor(
        () => catalogAudit(client),
        (entries) => entries.length === 2,
      );
      // The crash: the acks are lost with the connection, and the process ends.
      nats.cut();
      await handle.stop();
      handle = undefined;
      const info = await consumerInfo(stream);
      expect(info.ack_floor.stream_seq).toBe(0);
      expect(info.num_ack_pending + info.num_pending).toBeGreaterThan(0);

      handle = await startDebeziumNatsIngest({ config: config(stream), urls: { targetUrl: target.url } });
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === 2,
      );
      expect(handle.source()?.stats).toMatchObject({ received: 2, duplicates: 2, applied: 0 });
      expect(await catalogAudit(client)).toEqual(['INSERT:5:9900', 'UPDATE:5:8900']);
    } finally {
      await handle?.stop();
      await nats.close();
    }
  });

  it('the target unreachable for a while: nothing is acknowledged, everything arrives after it comes back', async () => {
    const { stream, prefix } = await fresh();
    const pgPort = Number(new URL(target.url).port);
    const db = await relay(pgPort);
    const cfg = config(stream, ', ackWait: 1s');
    const handle = await startDebeziumNatsIngest({ config: cfg, urls: { targetUrl: via(target.url, db.port) } });
    try {
      await waitFor(
        async () => handle.runner.state.state,
        (state) => state === 'streaming',
      );
      db.cut();
      await publish(`${prefix}.public.products`, [
        withSchema('c', { txId: 400, lastCommit: 4000, lsn: 4010 }, null, { id: 8, name: 'Bench', cents: 15000 }),
        withSchema('c', { txId: 400, lastCommit: 4000, lsn: 4020 }, null, { id: 9, name: 'Stool', cents: 4000 }),
        withSchema('u', { txId: 401, lastCommit: 4100, lsn: 4110 }, null, { id: 8, name: 'Bench', cents: 14000 }),
      ]);
      // Longer than the ack wait: JetStream delivers them again meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const during = await consumerInfo(stream);
      expect(during.ack_floor.stream_seq).toBe(0);
      expect(during.num_ack_pending).toBe(3);
      expect(await catalogAudit(client)).toEqual([]);
      expect(handle.runner.metrics.retries).toBeGreaterThan(0);
      expect(handle.source()?.stats.redelivered).toBeGreaterThan(0);

      db.restore();
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === 3,
      );
      expect(await catalogAudit(client)).toEqual(['INSERT:8:15000', 'INSERT:9:4000', 'UPDATE:8:14000']);
    } finally {
      await handle.stop();
      await db.close();
    }
  }, 30_000);

  it('applies what our own NatsJetStreamPublisher published (end to end through JetStream)', async () => {
    const { stream, prefix } = await fresh();
    const bucket = `strangler_in_kv_${randomBytes(4).toString('hex')}`;
    cleanups.push(() => jsm.streams.delete(`KV_${bucket}`));
    const publisher = await NatsJetStreamPublisher.connect({
      url: NATS_URL,
      stream,
      subjectPrefix: prefix,
      name: 'pub',
      bucket,
      schemas: true,
    });
    try {
      await publisher.apply([
        productTransaction(731, 0x16b3748n, [
          productChange('c', 1, 'Lamp', '19.90'),
          productChange('c', 2, 'Chair', '45.00'),
          productChange('u', 1, 'Lamp XL', '24.90'),
        ]),
        productTransaction(732, 0x16b4000n, [productChange('d', 2, null, null)]),
      ]);
    } finally {
      await publisher.close();
    }
    const handle = await startDebeziumNatsIngest({ config: config(stream), urls: { targetUrl: target.url } });
    try {
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === 4,
      );
      expect(await catalogRows(client)).toEqual([{ id: 1, title: 'Lamp XL', price_cents: 2490, active: null, created: null, thumb: null }]);
      expect(await catalogAudit(client)).toEqual(['INSERT:1:1990', 'INSERT:2:4500', 'UPDATE:1:2490', 'DELETE:2:-']);
    } finally {
      await handle.stop();
    }
  });

  it('a carried column dropped in the source (schemas on) stops the ingest with its message unacknowledged; once the target follows it is applied', async () => {
    const { stream, prefix } = await fresh();
    const subject = `${prefix}.public.products`;
    const lamp = productRow({ id: 1, name: 'Lamp', cents: 1990 });
    await publish(subject, [withFields('c', { txId: 700, lastCommit: 7000, lsn: 7010 }, null, lamp, PRODUCT_FIELDS)]);
    let handle = await startDebeziumNatsIngest({ config: config(stream), urls: { targetUrl: target.url } });
    try {
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === 1,
      );
      // ALTER TABLE products DROP COLUMN thumb, in the source.
      const withoutThumb = Object.fromEntries(Object.entries({ ...lamp, name: 'Lamp XL' }).filter(([name]) => name !== 'thumb'));
      const fields = PRODUCT_FIELDS.filter((field) => field.field !== 'thumb');
      await publish(subject, [withFields('u', { txId: 701, lastCommit: 7100, lsn: 7110 }, null, withoutThumb, fields)]);
      await expect(handle.done).rejects.toMatchObject({
        code: 'SYNC_SCHEMA_CHANGED',
        details: { table: 'public.products', columns: ['thumb'], change: ['dropped'] },
      });
      expect((await consumerInfo(stream)).ack_floor.stream_seq).toBe(1);
      expect((await catalogRows(client)).map((row) => row['title'])).toEqual(['Lamp']);

      await client.query('ALTER TABLE catalog_item DROP COLUMN thumb');
      handle = await startDebeziumNatsIngest({ config: config(stream), urls: { targetUrl: target.url } });
      await waitFor(
        async () => ackFloor(stream),
        (seq) => seq === 2,
      );
      expect((await client.query('SELECT title FROM catalog_item')).rows).toEqual([{ title: 'Lamp XL' }]);
    } finally {
      await handle.stop();
      // The other tests' rows have the column.
      await client.query('ALTER TABLE catalog_item ADD COLUMN IF NOT EXISTS thumb bytea');
    }
  });

  it('refuses a stream that does not exist and a malformed message, naming them', async () => {
    await expect(
      startDebeziumNatsIngest({ config: config('strangler_in_missing_stream'), urls: { targetUrl: target.url } }),
    ).rejects.toMatchObject({
      code: 'SYNC_NATS_STREAM_MISSING',
      message: expect.stringContaining('strangler_in_missing_stream') as unknown,
    });
    const { stream, prefix } = await fresh();
    await publish(`${prefix}.public.products`, [
      plain('c', { txId: 500, lastCommit: 5000, lsn: 5010 }, null, { id: 6, name: 'Mat', cents: 100 }).replace('"table":"products",', ''),
    ]);
    const handle = await startDebeziumNatsIngest({ config: config(stream), urls: { targetUrl: target.url } });
    await expect(handle.done).rejects.toMatchObject({
      code: 'SYNC_DEBEZIUM_INVALID',
      message: expect.stringMatching(/Message 1 of stream strangler_in_\w+ .*source\.table/) as unknown,
    });
    expect((await consumerInfo(stream)).ack_floor.stream_seq).toBe(0);
    expect(await catalogAudit(client)).toEqual([]);
  });
});
