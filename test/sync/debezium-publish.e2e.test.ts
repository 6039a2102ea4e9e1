/**
 * `strangler sync run` with `publish.nats`: the process keeps the target in step and also
 * publishes every change to the real NATS JetStream at 127.0.0.1:4222 (own stream and bucket,
 * deleted afterwards) through its second pipeline; SIGINT stops both with exit 130.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDebeziumJson } from '../../sync/debezium/format.js';
import { dropSlotAndPublication } from '../../sync/source/index.js';
import { createSyncPair, type SyncPair } from './harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = process.env['STRANGLER_CLI'] ?? join(ROOT, 'dist', 'cli', 'main.js');
const NATS_URL = process.env['NATS_URL'] ?? '127.0.0.1:4222';
const dir = mkdtempSync(join(tmpdir(), 'strangler-dbz-publish-'));
const id = randomBytes(4).toString('hex');
const stream = `strangler_e2e_${id}`;
const bucket = `strangler_e2e_kv_${id}`;

let pair: SyncPair;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  try {
    nc = await connect({ servers: NATS_URL, timeout: 3_000 });
    jsm = await nc.jetstreamManager();
  } catch (error) {
    throw new Error(`NATS with JetStream is not reachable at ${NATS_URL} (${String(error)}): run \`nats-server -js\` or set NATS_URL.`);
  }
  pair = await createSyncPair('dbz_pub');
  await pair.query('source', 'CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL)');
  await pair.query('source', "INSERT INTO products VALUES (1, 'Lamp')");
  await pair.query('target', 'CREATE TABLE catalog_item (id int PRIMARY KEY, title text NOT NULL)');
  writeFileSync(
    join(dir, 'sync.yaml'),
    `source: { urlEnv: SRC_URL }
target: { urlEnv: DST_URL }
slot: ${pair.slot}
publication: ${pair.publication}
metrics: { listen: "127.0.0.1:0" }
batching: { maxWait: 5ms }
publish: { nats: { url: "${NATS_URL}", stream: ${stream}, subjectPrefix: e2e_${id}, bucket: ${bucket} } }
tables:
  - source: public.products
    target: catalog_item
    columns: { name: title }
`,
  );
});

afterAll(async () => {
  await jsm?.streams.delete(stream).catch(() => undefined);
  await jsm?.streams.delete(`KV_${bucket}`).catch(() => undefined);
  await nc?.close();
  if (pair) {
    await dropSlotAndPublication({
      connection: { connectionString: pair.source.url },
      slot: `${pair.slot}_nats`,
      publication: pair.publication,
      force: true,
    }).catch(() => undefined);
    await pair.cleanup();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('strangler sync run with publish.nats', () => {
  it('applies to the target and publishes to JetStream; SIGINT stops both', async () => {
    const child = spawn(process.execPath, [CLI, 'sync', 'run', '--config', 'sync.yaml'], {
      cwd: dir,
      env: { ...process.env, ...pair.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await pair.waitFor(
        async () => out,
        (text) => text.includes('"msg":"sync started"'),
      );
      // The copy brings row 1 (the publisher starts at its new slot: it publishes what commits from now on).
      await pair.waitFor(
        async () => (await pair.query('target', 'SELECT count(*)::int AS n FROM catalog_item')).rows[0] as { n: number },
        (row) => row.n === 1,
      );
      await pair.waitFor(
        async () => /sync streaming[\s\S]*sync streaming/.test(out),
        (both) => both,
      );
      await pair.query('source', "INSERT INTO products VALUES (2, 'Chair')");
      await pair.query('source', "UPDATE products SET name = 'Lamp XL' WHERE id = 1");
      await pair.waitFor(
        async () => (await pair.query('target', 'SELECT id, title FROM catalog_item ORDER BY id')).rows,
        (rows) =>
          JSON.stringify(rows) ===
          JSON.stringify([
            { id: 1, title: 'Lamp XL' },
            { id: 2, title: 'Chair' },
          ]),
      );
      await pair.waitFor(
        async () => (await jsm.streams.info(stream)).state.messages,
        (count) => count >= 2,
      );
      const first = await jsm.streams.getMessage(stream, { seq: 1 });
      const second = await jsm.streams.getMessage(stream, { seq: 2 });
      expect(first.subject).toBe(`e2e_${id}.public.products`);
      expect(decodeDebeziumJson(new TextDecoder().decode(first.data))?.event).toMatchObject({ op: 'c', after: { id: '2', name: 'Chair' } });
      expect(decodeDebeziumJson(new TextDecoder().decode(second.data))?.event).toMatchObject({
        op: 'u',
        after: { id: '1', name: 'Lamp XL' },
      });
    } finally {
      child.kill('SIGINT');
      expect(await exit).toBe(130);
    }
  });
});
