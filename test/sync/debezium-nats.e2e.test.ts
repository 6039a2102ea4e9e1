/**
 * `strangler sync debezium` as a process with `debezium.nats`: Debezium events published to a
 * real JetStream stream arrive in a real PostgreSQL target; after SIGINT (exit 130) and a
 * restart the durable consumer goes on where it stopped: new events are applied, nothing is
 * applied twice (an audit trigger counts the writes), nothing is left unacknowledged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { CATALOG_AUDIT_DDL, plain, PRODUCTS_TO_CATALOG_YAML } from './debezium-events.js';
import { exited, sleep, startDebeziumCli, type DebeziumCli } from './sync-process.js';

const NATS_URL = process.env['NATS_URL'] ?? '127.0.0.1:4222';
const STREAM = `DBZ_E2E_${process.pid}`;
const SUBJECT = `dbze2e${process.pid}.shop.public.products`;
const dir = mkdtempSync(join(tmpdir(), 'strangler-dbz-nats-e2e-'));

let target: TestDatabase;
let client: pg.Client;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  nc = await connect({ servers: NATS_URL, timeout: 3_000 });
  jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: STREAM, subjects: [`dbze2e${process.pid}.>`] });
  target = await createTestDatabase('dbz_nats_e2e');
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  await client.query(CATALOG_AUDIT_DDL);
  writeFileSync(
    join(dir, 'sync.yaml'),
    `source: { urlEnv: MONOLITH_URL }
target: { urlEnv: CATALOG_URL }
slot: dbz_nats_e2e
publication: dbz_nats_e2e_unused
metrics: { enabled: false }
debezium: { quietPeriod: 5ms, nats: { url: "${NATS_URL}", stream: ${STREAM}, ackWait: 2s } }
${PRODUCTS_TO_CATALOG_YAML}`,
  );
});

afterAll(async () => {
  await jsm?.streams.delete(STREAM).catch(() => undefined);
  await nc?.close();
  await client?.end();
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const startCli = (): DebeziumCli => startDebeziumCli(dir, { CATALOG_URL: target.url });

const publish = async (...bodies: string[]): Promise<void> => {
  const js = nc.jetstream();
  for (const body of bodies) await js.publish(SUBJECT, new TextEncoder().encode(body));
};

const rows = async (): Promise<unknown[]> =>
  (await client.query('SELECT id::int, title, price_cents::int FROM catalog_item ORDER BY id')).rows as unknown[];
const writes = async (): Promise<number> => Number((await client.query('SELECT count(*)::int AS n FROM audit')).rows[0]?.n);

async function waitUntil(what: string, ok: () => Promise<boolean>, output: () => string): Promise<void> {
  const started = Date.now();
  while (!(await ok())) {
    if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
    await sleep(50);
  }
}

describe('strangler sync debezium with debezium.nats (process)', () => {
  it('applies events from the stream, and after SIGINT and a restart goes on without applying anything twice', async () => {
    let running = startCli();
    try {
      await running.started;
      await publish(
        plain('c', { txId: 700, lastCommit: 7000, lsn: 7010 }, null, { id: 1, name: 'Lamp', cents: 1990 }),
        plain('c', { txId: 700, lastCommit: 7000, lsn: 7020 }, null, { id: 2, name: 'Chair', cents: 4500 }),
        plain('u', { txId: 701, lastCommit: 7100, lsn: 7110 }, null, { id: 1, name: 'Lamp XL', cents: 2490 }),
      );
      const output = running.output;
      await waitUntil('the first three events', async () => (await writes()) === 3, output);
      expect(await rows()).toEqual([
        { id: 1, title: 'Lamp XL', price_cents: 2490 },
        { id: 2, title: 'Chair', price_cents: 4500 },
      ]);
      running.child.kill('SIGINT');
      expect(await exited(running.child)).toBe(130);

      // Published while no consumer runs: the durable keeps the position.
      await publish(plain('d', { txId: 702, lastCommit: 7200, lsn: 7210 }, { id: 2, name: 'Chair', cents: 4500 }, null));
      running = startCli();
      await running.started;
      await publish(plain('c', { txId: 703, lastCommit: 7300, lsn: 7310 }, null, { id: 3, name: 'Desk', cents: 12000 }));
      await waitUntil('the events published around the restart', async () => (await writes()) === 5, running.output);
      expect(await rows()).toEqual([
        { id: 1, title: 'Lamp XL', price_cents: 2490 },
        { id: 3, title: 'Desk', price_cents: 12000 },
      ]);
      const consumers = await jsm.consumers.list(STREAM).next();
      expect(consumers).toHaveLength(1);
      await waitUntil(
        'every message acknowledged',
        async () => {
          const info = await jsm.consumers.info(STREAM, consumers[0]?.name ?? '');
          return info.num_ack_pending === 0 && info.num_pending === 0;
        },
        running.output,
      );
      // Nothing more was written meanwhile (no redelivery applied twice).
      await sleep(300);
      expect(await writes()).toBe(5);
    } finally {
      running.child.kill('SIGINT');
      await exited(running.child);
    }
  });
});
