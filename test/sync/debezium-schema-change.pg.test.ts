/**
 * Schema changes seen through Debezium events with schemas, into a real PostgreSQL target over
 * HTTP: the value schema lists the table's columns, so a carried column that is gone from it
 * (dropped in the source) or whose Connect type changed follows `schemaChange` as it does for
 * our own capture: `stop` answers 503, applies nothing and stops (again on every start until
 * the target follows); `ignore` warns once and goes on; `add-column` adds a new field's column
 * with the type its Connect schema names.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import { parseSyncConfig } from '../../sync/config/load.js';
import { startDebeziumIngest, type DebeziumIngestHandle } from '../../sync/debezium/ingest.js';
import { readCheckpoint } from '../../sync/sink/bookkeeping.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import {
  CATALOG_AUDIT_DDL,
  catalogRows,
  PRODUCT_FIELDS,
  PRODUCTS_TO_CATALOG_YAML,
  plain,
  postEvent,
  productRow,
  withFields,
  type At,
  type ConnectField,
} from './debezium-events.js';
import { failureOf } from './harness.js';

const TOKEN = 'schema-change-token';
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const database of databases) await database.drop();
});

interface Target {
  client: pg.Client;
  start(): Promise<DebeziumIngestHandle>;
  post(handle: DebeziumIngestHandle, body: string): Promise<{ status: number; body: Record<string, unknown> }>;
  warnings: string[];
}

async function target(policy: string, name = policy.replace('-', '_')): Promise<Target> {
  const database = await createTestDatabase(`dbz_schema_${name}`);
  databases.push(database);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(CATALOG_AUDIT_DDL);
  const warnings: string[] = [];
  const logger = createLogger({
    level: 'warn',
    write: (line) => (JSON.parse(line) as { level: string }).level === 'warn' && warnings.push(line),
  });
  const config = parseSyncConfig(
    `source: { urlEnv: UNUSED_SOURCE_URL }
target: { urlEnv: DST_URL }
slot: dbz_schema
publication: dbz_unused
metrics: { enabled: false }
batching: { maxWait: 2ms }
retry: { initial: 50ms, max: 500ms }
schemaChange: ${policy}
debezium: { listen: "127.0.0.1:0", tokenEnv: DBZ_TOKEN, quietPeriod: 0 }
${PRODUCTS_TO_CATALOG_YAML}`,
    'debezium-schema.yaml',
  );
  return {
    client,
    warnings,
    start: () => startDebeziumIngest({ config, urls: { targetUrl: database.url }, env: { DBZ_TOKEN: TOKEN }, logger }),
    post: (handle, body) => postEvent(handle.url, body, TOKEN),
  };
}

const at = (txId: number): At => ({ txId, lastCommit: txId * 10, lsn: txId * 10 + 5 });
const lamp = productRow({ id: 1, name: 'Lamp', cents: 1990, active: false });
const WITHOUT_ACTIVE = PRODUCT_FIELDS.filter((field) => field.field !== 'active');
const withoutActive = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).filter(([name]) => name !== 'active'));
/** `created` as the connector writes a timestamptz column (ZonedTimestamp, an ISO string). */
const ZONED_CREATED: ConnectField = {
  type: 'string',
  optional: true,
  name: 'io.debezium.time.ZonedTimestamp',
  version: 1,
  field: 'created',
};
const RETYPED = WITHOUT_ACTIVE.map((field) => (field.field === 'created' ? ZONED_CREATED : field));

let stopTarget: Target;
let ignoreTarget: Target;
let addTarget: Target;
let handoverTarget: Target;

beforeAll(async () => {
  [stopTarget, ignoreTarget, addTarget, handoverTarget] = await Promise.all([
    target('stop'),
    target('ignore'),
    target('add-column'),
    target('stop', 'handover'),
  ]);
});

afterAll(async () => {
  for (const item of [stopTarget, ignoreTarget, addTarget, handoverTarget]) await item?.client.end();
});

describe('schema changes in Debezium events (schemas enabled)', () => {
  it('stop: a dropped or retyped carried column stops the ingest before it applies anything, on every start, until the target follows', async () => {
    const { client, post, start } = stopTarget;
    let handle = await start();
    expect(await post(handle, withFields('c', at(100), null, lamp, PRODUCT_FIELDS))).toMatchObject({ status: 200 });
    // `active` is gone from the table (ALTER TABLE products DROP COLUMN active in the source).
    const dropped = withFields('u', at(101), null, withoutActive({ ...lamp, name: 'Lamp XL' }), WITHOUT_ACTIVE);
    expect((await post(handle, dropped)).status).toBe(503);
    const failure = await failureOf(handle);
    expect(failure.code).toBe('SYNC_SCHEMA_CHANGED');
    expect(failure.message).toContain('public.products.active was dropped');
    expect(failure.details).toMatchObject({ table: 'public.products', columns: ['active'], change: ['dropped'] });
    expect((await readCheckpoint(client, 'dbz_schema'))?.txId).toBe(100);
    expect((await catalogRows(client)).map((row) => [row['title'], row['active']])).toEqual([['Lamp', false]]);

    // Not fixed: the next start stops at the same event.
    handle = await start();
    expect((await post(handle, dropped)).status).toBe(503);
    expect((await failureOf(handle)).code).toBe('SYNC_SCHEMA_CHANGED');

    // The target follows: its column goes too. Debezium sends the event again and it applies.
    await client.query('ALTER TABLE catalog_item DROP COLUMN active');
    handle = await start();
    try {
      expect(await post(handle, dropped)).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect((await client.query('SELECT title FROM catalog_item')).rows).toEqual([{ title: 'Lamp XL' }]);

      // `created` becomes timestamptz in the source: the Connect type says so (MicroTimestamp -> ZonedTimestamp).
      const retyped = withFields('u', at(102), null, withoutActive({ ...lamp, created: '2024-03-01T12:34:56.789012Z' }), RETYPED);
      expect((await post(handle, retyped)).status).toBe(503);
      const typeFailure = await failureOf(handle);
      expect(typeFailure.message).toContain(
        'public.products.created changed type from timestamp without time zone to timestamp with time zone',
      );
      expect(typeFailure.details).toMatchObject({ columns: ['created'], change: ['type'] });
      expect((await readCheckpoint(client, 'dbz_schema'))?.txId).toBe(101);
    } finally {
      await handle.stop();
    }
  });

  it('ignore: warns once for a dropped and a retyped column and goes on; the target keeps what it has, new values are cast', async () => {
    const { client, post, start, warnings } = ignoreTarget;
    const handle = await start();
    try {
      expect(await post(handle, withFields('c', at(100), null, lamp, PRODUCT_FIELDS))).toMatchObject({ status: 200 });
      const desk = withoutActive(productRow({ id: 2, name: 'Desk', cents: 12000 }));
      expect(await post(handle, withFields('c', at(101), null, desk, WITHOUT_ACTIVE))).toMatchObject({
        status: 200,
        body: { status: 'applied' },
      });
      expect(await post(handle, withFields('u', at(102), null, withoutActive({ ...lamp, name: 'Lamp XL' }), WITHOUT_ACTIVE))).toMatchObject(
        { status: 200, body: { status: 'applied' } },
      );
      const created = '2024-05-06T07:08:09.123456Z';
      expect(
        await post(handle, withFields('u', at(103), null, withoutActive({ ...lamp, name: 'Lamp XXL', created }), RETYPED)),
      ).toMatchObject({ status: 200, body: { status: 'applied' } });
      expect(await post(handle, withFields('u', at(104), null, { ...desk, created }, RETYPED))).toMatchObject({ status: 200 });

      // Lamp keeps its `active` (false) although the source no longer has it; Desk never got one.
      expect((await catalogRows(client)).map((row) => [row['title'], row['active'], row['created']])).toEqual([
        ['Lamp XXL', false, '2024-05-06 07:08:09.123456'],
        ['Desk', null, '2024-05-06 07:08:09.123456'],
      ]);
      const said = warnings.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(said.filter((msg) => msg.includes('public.products.active was dropped'))).toHaveLength(1);
      expect(said.filter((msg) => msg.includes('public.products.created changed type'))).toHaveLength(1);

      // Events without schemas say nothing about the table: one lacking a column is applied as it is, without a warning.
      const before = warnings.length;
      expect(await post(handle, plain('u', at(105), null, { id: 2, name: 'Desk v2', cents: 12100 }))).toMatchObject({ status: 200 });
      expect(warnings).toHaveLength(before);
      expect((await client.query('SELECT title FROM catalog_item WHERE id = 2')).rows).toEqual([{ title: 'Desk v2' }]);
    } finally {
      await handle.stop();
    }
  });

  it('stop: a target first fed by our own capture (PostgreSQL types) is not taken for retyped when Debezium events (Connect types) arrive', async () => {
    const { client, post, start } = handoverTarget;
    const handle = await start();
    try {
      // What our own capture recorded: name a varchar (1043), which a Connect schema can only call a string (text, 25).
      const recorded = {
        id: { typeOid: 20, target: 'id', targetType: 'bigint' },
        name: { typeOid: 1043, target: 'title', targetType: 'text' },
        price: { typeOid: 1700, target: null, targetType: null },
        active: { typeOid: 16, target: 'active', targetType: 'boolean' },
        created: { typeOid: 1114, target: 'created', targetType: 'timestamp without time zone' },
        thumb: { typeOid: 17, target: 'thumb', targetType: 'bytea' },
      };
      await client.query(
        "INSERT INTO strangler_sync.source_columns (source_table, target_table, columns) VALUES ('public.products', 'public.catalog_item', $1::jsonb)",
        [JSON.stringify(recorded)],
      );
      expect(await post(handle, withFields('c', at(100), null, lamp, PRODUCT_FIELDS))).toMatchObject({
        status: 200,
        body: { status: 'applied' },
      });
      const kept = await client.query<{ columns: Record<string, { typeOid: number; connect?: boolean }> }>(
        'SELECT columns FROM strangler_sync.source_columns',
      );
      // From now on the record holds the types as Debezium tells them.
      expect(kept.rows[0]?.columns['name']).toMatchObject({ typeOid: 25, connect: true });
    } finally {
      await handle.stop();
    }
  });

  it('add-column: a new field gets a target column of the type its Connect schema names, in the same transaction as the row', async () => {
    const { client, post, start } = addTarget;
    const handle = await start();
    try {
      expect(await post(handle, withFields('c', at(100), null, lamp, PRODUCT_FIELDS))).toMatchObject({ status: 200 });
      const fields = [
        ...PRODUCT_FIELDS,
        { type: 'int32', optional: true, field: 'stock' },
        { type: 'string', optional: true, field: 'sku' },
      ];
      const desk = { ...productRow({ id: 2, name: 'Desk', cents: 12000 }), stock: 7, sku: 'D-2' };
      expect(await post(handle, withFields('c', at(101), null, desk, fields))).toMatchObject({ status: 200, body: { status: 'applied' } });
      const columns = await client.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'catalog_item' AND column_name IN ('stock', 'sku') ORDER BY column_name",
      );
      expect(columns.rows).toEqual([
        { column_name: 'sku', data_type: 'text' },
        { column_name: 'stock', data_type: 'integer' },
      ]);
      // The rows that exist get NULL: Debezium does not say what they hold.
      expect((await client.query('SELECT id::int, stock, sku FROM catalog_item ORDER BY id')).rows).toEqual([
        { id: 1, stock: null, sku: null },
        { id: 2, stock: 7, sku: 'D-2' },
      ]);
    } finally {
      await handle.stop();
    }
  });
});
