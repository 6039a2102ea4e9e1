/**
 * Fixtures of the Debezium ingest tests (HTTP and JetStream): the target table with an audit of
 * every row write and queries of both, change events as Debezium's PostgreSQL connector writes
 * them (with and without schemas), captured changes of public.products for our own publisher,
 * and a TCP relay that can cut or stall the connections to a real server.
 */
import { connect as tcpConnect, createServer, type Socket } from 'node:net';
import type pg from 'pg';
import type { ChangeEvent, Relation, SourceTransaction } from '../../sync/change.js';

/** The shared ddl of the Debezium ingest tests: a target table and an audit of every row write. */
export const CATALOG_AUDIT_DDL = `
    CREATE TABLE catalog_item (id bigint PRIMARY KEY, title text NOT NULL, price_cents bigint, active boolean, created timestamp, thumb bytea);
    CREATE TABLE audit (seq bigserial PRIMARY KEY, op text, id bigint, price_cents bigint);
    CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' THEN INSERT INTO audit (op, id, price_cents) VALUES (TG_OP, OLD.id, NULL); RETURN OLD; END IF;
      INSERT INTO audit (op, id, price_cents) VALUES (TG_OP, NEW.id, NEW.price_cents); RETURN NEW;
    END $f$;
    CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON catalog_item FOR EACH ROW EXECUTE FUNCTION audit_row();
    ALTER TABLE catalog_item ENABLE ALWAYS TRIGGER audit_row;
`;

/** The target's rows, every column the ingest tests look at. */
export async function catalogRows(client: pg.ClientBase): Promise<Array<Record<string, unknown>>> {
  return (
    await client.query<Record<string, unknown>>(
      `SELECT id::int, title, price_cents::int, active, created::text, encode(thumb, 'hex') AS thumb FROM catalog_item ORDER BY id`,
    )
  ).rows;
}

/** Every row write the audit trigger saw, in order: `op:id:price_cents`. */
export async function catalogAudit(client: pg.ClientBase): Promise<string[]> {
  return (
    await client.query<{ entry: string }>(
      `SELECT op || ':' || id || ':' || coalesce(price_cents::text, '-') AS entry FROM audit ORDER BY seq`,
    )
  ).rows.map((r) => r.entry);
}

/** POSTs one event as Debezium Server's HTTP sink does; the answer's status and JSON body. */
export async function postEvent(
  url: string,
  body: string,
  token: string | null,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The `tables` section mapping the connector's public.products onto catalog_item (NATS ingest tests). */
export const PRODUCTS_TO_CATALOG_YAML = `tables:
  - source: public.products
    target: catalog_item
    columns: { name: title }
    exclude: [price]
    computed: { price_cents: "round($price::numeric * 100)::bigint" }
`;

/** public.products as our own capture describes it, for changes handed to a publisher. */
export const PRODUCTS_RELATION: Relation = {
  oid: 16400,
  schema: 'public',
  table: 'products',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 23, isKey: true },
    { name: 'name', typeOid: 25, isKey: false },
    { name: 'price', typeOid: 1700, isKey: false },
  ],
};

/** A captured change of public.products (a delete or update carries the key as `before`). */
export function productChange(op: ChangeEvent['op'], id: number, name: string | null, price: string | null = '12.50'): ChangeEvent {
  return {
    op,
    before: op === 'd' || op === 'u' ? { id: String(id) } : null,
    after: op === 'd' ? null : { id: String(id), name, price },
    source: {
      connector: 'strangler',
      db: 'shop',
      schema: 'public',
      table: 'products',
      lsn: 0x16b3748,
      txId: 731,
      ts_ms: 1709296500123,
      snapshot: 'false',
    },
    ts_ms: 1709296500200,
    relation: PRODUCTS_RELATION,
  };
}

/** A captured source transaction of such changes, committed at `commitLsn`. */
export function productTransaction(xid: number, commitLsn: bigint, changes: ChangeEvent[]): SourceTransaction {
  return { xid, commitLsn, endLsn: commitLsn + 0x30n, commitTime: 1709296500123, relations: [PRODUCTS_RELATION], changes };
}

/** Kafka Connect Decimal: big-endian two's complement of the unscaled value, base64. */
export function decimal(unscaled: number): string {
  let hex = unscaled.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return Buffer.from(hex, 'hex').toString('base64');
}

export interface Product {
  id: number;
  name: string;
  cents: number;
  active?: boolean;
  created?: number;
  thumb?: string;
}

const row = (p: Product) => ({
  id: p.id,
  name: p.name,
  price: decimal(p.cents),
  active: p.active ?? true,
  created: p.created ?? 1709296496789012,
  thumb: p.thumb ?? null,
});

/** A change event as Debezium's PostgreSQL connector writes it (JSON converter, schemas enabled). */
export function withSchema(op: 'c' | 'u' | 'd' | 'r', at: At, before: Product | null, after: Product | null, snapshot = 'false'): string {
  return withFields(op, at, before ? row(before) : null, after ? row(after) : null, PRODUCT_FIELDS, snapshot);
}

/** A Kafka Connect field schema of a column, e.g. `{ type: 'int32', optional: true, field: 'stock' }`. */
export type ConnectField = Record<string, unknown> & { field: string };

/** public.products' columns as the connector's value schema lists them. */
export const PRODUCT_FIELDS: readonly ConnectField[] = [
  { type: 'int64', optional: false, field: 'id' },
  { type: 'string', optional: true, field: 'name' },
  {
    type: 'bytes',
    optional: true,
    name: 'org.apache.kafka.connect.data.Decimal',
    version: 1,
    parameters: { scale: '2' },
    field: 'price',
  },
  { type: 'boolean', optional: true, field: 'active' },
  { type: 'int64', optional: true, name: 'io.debezium.time.MicroTimestamp', version: 1, field: 'created' },
  { type: 'bytes', optional: true, field: 'thumb' },
];

/** A Product as the connector's row values (JSON converter). */
export const productRow = (p: Product): Record<string, unknown> => row(p);

/**
 * A change event with schemas whose value schema lists `fields` (the table's columns as the
 * connector sees them after a schema change, say) and rows given as raw JSON values.
 */
export function withFields(
  op: 'c' | 'u' | 'd' | 'r',
  at: At,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  fields: readonly ConnectField[],
  snapshot = 'false',
): string {
  const valueSchema = (field: string) => ({ type: 'struct', optional: true, name: 'shop.public.products.Value', field, fields });
  return JSON.stringify({
    schema: {
      type: 'struct',
      name: 'shop.public.products.Envelope',
      optional: false,
      fields: [
        valueSchema('before'),
        valueSchema('after'),
        { type: 'struct', field: 'source', name: 'io.debezium.connector.postgresql.Source', optional: false, fields: [] },
        { type: 'string', field: 'op', optional: false },
        { type: 'int64', field: 'ts_ms', optional: true },
      ],
    },
    payload: {
      before,
      after,
      source: source(at, snapshot),
      op,
      ts_ms: 1709296500500,
      transaction: null,
    },
  });
}

export interface At {
  txId: number;
  lastCommit: number;
  lsn: number;
}

/** The `source` block of the PostgreSQL connector for a change at `at`. */
const source = (at: At, snapshot = 'false') => ({
  version: '2.7.3.Final',
  connector: 'postgresql',
  name: 'shop',
  ts_ms: 1709296500000 + at.txId,
  snapshot,
  db: 'shop',
  sequence: JSON.stringify([String(at.lastCommit), String(at.lsn)]),
  schema: 'public',
  table: 'products',
  txId: at.txId,
  lsn: at.lsn,
  xmin: null,
});

/** The plain envelope (schemas.enable=false, decimal.handling.mode=string). */
export function plain(op: 'c' | 'u' | 'd', at: At, before: Product | null, after: Product | null): string {
  const row = (p: Product) => ({ id: p.id, name: p.name, price: (p.cents / 100).toFixed(2), active: false });
  return JSON.stringify({
    before: before ? row(before) : null,
    after: after ? row(after) : null,
    source: source(at),
    op,
    ts_ms: 1709296500500,
    transaction: null,
  });
}

/** A TCP relay: cut() drops its connections and refuses new ones, stall() holds the client's bytes, restore() undoes both. */
export async function relay(port: number): Promise<{ port: number; cut(): void; stall(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let refusing = false;
  let stalled = false;
  const held: Array<() => void> = [];
  const server = createServer((inbound) => {
    if (refusing) return void inbound.destroy();
    const outbound = tcpConnect(port, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => (inbound.destroy(), outbound.destroy(), sockets.delete(socket)));
    }
    inbound.on('data', (chunk: Buffer) => (stalled ? held.push(() => outbound.write(chunk)) : outbound.write(chunk)));
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      refusing = true;
      held.length = 0;
      for (const socket of sockets) socket.destroy();
    },
    stall() {
      stalled = true;
    },
    restore() {
      refusing = false;
      stalled = false;
      for (const write of held.splice(0)) write();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const via = (url: string, port: number): string => {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
};
