/**
 * Fixtures of the Debezium ingest tests (HTTP and JetStream): the target table with an audit of
 * every row write, change events as Debezium's PostgreSQL connector writes them (with and
 * without schemas), and a TCP relay that can cut or stall the connections to a real server.
 */
import { connect as tcpConnect, createServer, type Socket } from 'node:net';

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

/** Kafka Connect Decimal: big-endian two's complement of the unscaled value, base64. */
export function decimal(unscaled: number): string {
  let hex = unscaled.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return Buffer.from(hex, 'hex').toString('base64');
}

const valueSchema = (field: string) => ({
  type: 'struct',
  optional: true,
  name: 'shop.public.products.Value',
  field,
  fields: [
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
  ],
});

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
      before: before ? row(before) : null,
      after: after ? row(after) : null,
      source: {
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
      },
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

const source = (at: At) => ({
  version: '2.7.3.Final',
  connector: 'postgresql',
  name: 'shop',
  ts_ms: 1709296500000 + at.txId,
  snapshot: 'false',
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
