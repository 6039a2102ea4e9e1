/**
 * NatsJetStreamPublisher against the real NATS server (JetStream) at 127.0.0.1:4222, and the
 * second pipeline startNatsPublisher from a real PostgreSQL source. Each test uses its own
 * stream and KV bucket and deletes them. NATS not reachable is a failure, not a skip.
 */
import { randomBytes } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection, type StoredMsg } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDebeziumJson } from '../../sync/debezium/format.js';
import { startNatsPublisher } from '../../sync/debezium/ingest.js';
import { NatsJetStreamPublisher } from '../../sync/debezium/nats-publisher.js';
import { dropSlotAndPublication } from '../../sync/source/index.js';
import { productChange, productTransaction } from './debezium-events.js';
import { createSyncPair, type SyncPair } from './harness.js';

const NATS_URL = process.env['NATS_URL'] ?? '127.0.0.1:4222';

let nc: NatsConnection;
let jsm: JetStreamManager;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  try {
    nc = await connect({ servers: NATS_URL, timeout: 3_000 });
    jsm = await nc.jetstreamManager();
  } catch (error) {
    throw new Error(
      `NATS with JetStream is not reachable at ${NATS_URL} (${String(error)}). These tests need a real server: run \`nats-server -js\` (CI starts one) or set NATS_URL.`,
    );
  }
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await nc?.close();
});

/** A unique stream and bucket, deleted after the file. */
function names(): { stream: string; bucket: string; prefix: string } {
  const id = randomBytes(4).toString('hex');
  const stream = `strangler_test_${id}`;
  const bucket = `strangler_test_kv_${id}`;
  cleanups.push(
    () => jsm.streams.delete(stream),
    () => jsm.streams.delete(`KV_${bucket}`),
  );
  return { stream, bucket, prefix: `strangler_test_${id}` };
}

async function messages(stream: string): Promise<StoredMsg[]> {
  const info = await jsm.streams.info(stream);
  const out: StoredMsg[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++)
    out.push(await jsm.streams.getMessage(stream, { seq }));
  return out;
}

const transaction = productTransaction(731, 0x16b3748n, [
  productChange('c', 1, 'Lamp'),
  productChange('u', 1, 'Lamp XL'),
  productChange('d', 2, null),
]);

describe('NatsJetStreamPublisher', () => {
  it('publishes a transaction twice and the stream holds each message once; the checkpoint survives a restart', async () => {
    const { stream, bucket, prefix } = names();
    const first = await NatsJetStreamPublisher.connect({ url: NATS_URL, stream, subjectPrefix: prefix, name: 'slot_a', bucket });
    try {
      expect(await first.checkpoint()).toBeUndefined();
      expect(await first.apply([transaction])).toBe(transaction.commitLsn);
      // The same sink again: its checkpoint skips it.
      await first.apply([transaction]);
      expect(first.stats).toEqual({ published: 3, duplicates: 0, skipped: 1 });
    } finally {
      await first.close();
    }
    // Another publisher without that checkpoint (a crash before the KV write): JetStream drops the re-sends by Nats-Msg-Id.
    const second = await NatsJetStreamPublisher.connect({ url: NATS_URL, stream, subjectPrefix: prefix, name: 'slot_b', bucket });
    try {
      await second.apply([transaction]);
      expect(second.stats).toEqual({ published: 0, duplicates: 3, skipped: 0 });
    } finally {
      await second.close();
    }
    const stored = await messages(stream);
    expect(stored).toHaveLength(3);
    expect(stored.map((m) => m.subject)).toEqual([`${prefix}.public.products`, `${prefix}.public.products`, `${prefix}.public.products`]);
    expect(stored.map((m) => m.header.get('Nats-Msg-Id'))).toEqual([0, 1, 2].map((i) => `${String(0x16b3748)}:731:${i}`));
    const decoded = stored.map((m) => decodeDebeziumJson(new TextDecoder().decode(m.data)));
    expect(decoded.map((d) => d?.event.op)).toEqual(['c', 'u', 'd']);
    expect(decoded[1]?.event.after).toEqual({ id: '1', name: 'Lamp XL', price: '12.50' });
    expect(decoded[2]?.event.before).toEqual({ id: '2', name: null, price: null });
    expect(decoded.map((d) => d?.position.order)).toEqual([1, 2, 3]);

    const restarted = await NatsJetStreamPublisher.connect({ url: NATS_URL, stream, subjectPrefix: prefix, name: 'slot_a', bucket });
    try {
      expect(await restarted.checkpoint()).toBe(transaction.commitLsn);
    } finally {
      await restarted.close();
    }
  });

  it('says what to do when NATS is not there', async () => {
    await expect(NatsJetStreamPublisher.connect({ url: '127.0.0.1:1', stream: 'x', subjectPrefix: 'x', name: 'x' })).rejects.toMatchObject({
      code: 'SYNC_NATS_UNREACHABLE',
      message: expect.stringContaining('nats-server -js') as unknown,
    });
  });
});

describe('startNatsPublisher (PostgreSQL source -> JetStream, its own slot)', () => {
  let pair: SyncPair;
  beforeAll(async () => {
    pair = await createSyncPair('dbz_nats');
    await pair.query('source', 'CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2))');
  });
  afterAll(async () => {
    await dropSlotAndPublication({
      connection: { connectionString: pair.source.url },
      slot: `${pair.slot}_nats`,
      publication: pair.publication,
      force: true,
    }).catch(() => undefined);
    await pair.cleanup();
  });

  it('publishes committed changes as Debezium JSON, one message per change, and resumes after its checkpoint', async () => {
    const { stream, bucket, prefix } = names();
    const config = pair.config(
      '  - source: public.products\n    target: catalog_item\n',
      `publish: { nats: { url: "${NATS_URL}", stream: ${stream}, subjectPrefix: ${prefix}, bucket: ${bucket}, schemas: true } }`,
    );
    let handle = await startNatsPublisher({ config, urls: { sourceUrl: pair.source.url } });
    try {
      await pair.waitFor(
        async () => handle.runner.state.state,
        (state) => state === 'streaming',
      );
      await pair.query('source', "INSERT INTO products VALUES (1, 'Lamp', 19.90), (2, 'Chair', 45.00)");
      await pair.query('source', "UPDATE products SET price = 24.90, name = 'Lamp XL' WHERE id = 1");
      await pair.waitFor(
        async () => (await jsm.streams.info(stream)).state.messages,
        (count) => count >= 3,
      );
      await handle.stop();
      handle = await startNatsPublisher({ config, urls: { sourceUrl: pair.source.url } });
      await pair.waitFor(
        async () => handle.runner.state.state,
        (state) => state === 'streaming',
      );
      await pair.query('source', 'DELETE FROM products WHERE id = 2');
      await pair.waitFor(
        async () => (await jsm.streams.info(stream)).state.messages,
        (count) => count >= 4,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stored = await messages(stream);
      const events = stored.map((m) => {
        const text = new TextDecoder().decode(m.data);
        expect(JSON.parse(text)).toHaveProperty('schema.name', `${prefix}.public.products.Envelope`);
        return decodeDebeziumJson(text)?.event;
      });
      expect(events.map((e) => [e?.op, e?.after?.['id'] ?? e?.before?.['id'], e?.after?.['price'] ?? null])).toEqual([
        ['c', '1', '19.90'],
        ['c', '2', '45.00'],
        ['u', '1', '24.90'],
        ['d', '2', null],
      ]);
      expect(new Set(stored.map((m) => m.header.get('Nats-Msg-Id'))).size).toBe(4);
    } finally {
      await handle.stop();
    }
  });
});
