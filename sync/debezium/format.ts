/**
 * ChangeEvent <-> Debezium JSON, as the PostgreSQL connector writes change events through the
 * JSON converter: the value is `{schema, payload}` with schemas.enable=true, or the payload
 * alone with it false. The payload is the envelope `{before, after, source, op, ts_ms,
 * transaction}`; `source` holds version, connector 'postgresql', name (topic prefix), ts_ms
 * (commit time), snapshot, db, sequence, schema, table, txId, lsn, xmin (Debezium docs,
 * PostgreSQL connector, "Data change events" / "Change event values" and "Source metadata":
 * https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-events).
 *
 * Positions: `source.lsn` is the LSN of the change itself, so inside a stream it is NOT in order
 * (a transaction's changes can predate an earlier commit). `source.sequence` is the JSON string
 * `["<lastCommitLsn>", "<lsn>"]`, and that pair is what orders events (Debezium docs, "source"
 * field "sequence"); `transaction.total_order` (provide.transaction.metadata=true) breaks ties.
 * Values: see values.ts; the other direction is encode.ts. Unchanged TOAST values arrive as `__debezium_unavailable_value`
 * (unavailable.value.placeholder) and become `unchangedToast`.
 */
import { StranglerError } from '../../common/errors.js';
import type { ChangeEvent, Relation, RelationColumn, Row } from '../change.js';
import { isJsonObject, JsonNumber, JsonSyntaxError, parseJson, stringifyJson, type JsonObject, type JsonValue } from './json.js';
import { typeOidOf, ValueError, valueToText, type ConnectSchema } from './values.js';

export const DEFAULT_PLACEHOLDER = '__debezium_unavailable_value';

/** A malformed event: `field` names the JSON path that is wrong (e.g. `payload.source.txId`). */
export class DebeziumFormatError extends StranglerError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('SYNC_DEBEZIUM_INVALID', `${field}: ${message}`, { details: { field } });
  }
}

/** Where an event sits in the stream: (lastCommitLsn, lsn, order) orders events; txId groups them. */
export interface EventPosition {
  txId: number;
  lastCommitLsn: bigint;
  lsn: bigint;
  /** transaction.total_order when present, else 0. */
  order: number;
}

export function comparePositions(a: EventPosition, b: EventPosition): number {
  if (a.lastCommitLsn !== b.lastCommitLsn) return a.lastCommitLsn < b.lastCommitLsn ? -1 : 1;
  if (a.lsn !== b.lsn) return a.lsn < b.lsn ? -1 : 1;
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.txId === b.txId ? 0 : a.txId < b.txId ? -1 : 1;
}

export const positionKey = (p: EventPosition): string => `${p.lastCommitLsn}:${p.lsn}:${p.order}:${p.txId}`;
/** The key of the transaction an event belongs to. */
export const transactionKey = (p: EventPosition): string => `${p.txId}@${p.lastCommitLsn}`;

export interface DecodedEvent {
  event: ChangeEvent;
  position: EventPosition;
  /** Debezium's `source.snapshot` as sent (true, first, last, false, incremental, ...). */
  snapshot: string;
}

export interface DecodeOptions {
  placeholder?: string;
  relations?: RelationCache;
  now?: () => number;
}

/** One Relation object per table shape, so the sink's plan cache (keyed by the object) hits. */
export class RelationCache {
  private readonly byShape = new Map<string, Relation>();
  private readonly lastByTable = new Map<string, Relation>();
  private nextOid = 1;

  /**
   * `complete`: the columns are the table's as the event's Connect schema describes it (schemas
   * enabled), so the sink can tell a dropped or retyped column; else they are one event's fields.
   */
  get(schema: string, table: string, columns: readonly RelationColumn[], complete = false): Relation {
    const shape = `${schema}.${table}(${columns.map((c) => `${c.name}:${c.typeOid}`).join(',')})${complete ? '' : '?'}`;
    let relation = this.byShape.get(shape);
    if (!relation) {
      // Debezium does not send the key (the HTTP sink posts the value only): the mapping's key or the
      // target's primary key names the row; replica identity 'f' lets the plan use either.
      relation = {
        oid: this.nextOid++,
        schema,
        table,
        replicaIdentity: 'f',
        columns: [...columns],
        ...(complete ? { typesFrom: 'connect' as const } : { partial: true }),
      };
      this.byShape.set(shape, relation);
    }
    this.lastByTable.set(`${schema}.${table}`, relation);
    return relation;
  }

  last(schema: string, table: string): Relation {
    return this.lastByTable.get(`${schema}.${table}`) ?? this.get(schema, table, []);
  }
}

const OPS = new Set(['c', 'u', 'd', 'r', 't']);

/** Parses a request body. Null for a tombstone (empty body or `null`) and for logical-decoding messages (op 'm'). */
export function decodeDebeziumJson(body: string, options: DecodeOptions = {}): DecodedEvent | null {
  if (body.trim() === '') return null;
  let value: JsonValue;
  try {
    value = parseJson(body);
  } catch (error) {
    throw new DebeziumFormatError('(body)', `not JSON: ${error instanceof JsonSyntaxError ? error.message : String(error)}`);
  }
  return decodeDebeziumValue(value, options);
}

export function decodeDebeziumValue(value: JsonValue, options: DecodeOptions = {}): DecodedEvent | null {
  if (value === null) return null;
  if (!isJsonObject(value)) throw new DebeziumFormatError('(body)', 'expected a JSON object (a Debezium change event)');
  const wrapped = 'payload' in value && ('schema' in value || Object.keys(value).length === 1);
  const base = wrapped ? 'payload' : '';
  const payload = wrapped ? value['payload'] : value;
  if (payload === null || payload === undefined) return null;
  const at = (field: string): string => (base ? `${base}.${field}` : field);
  if (!isJsonObject(payload)) throw new DebeziumFormatError(base || '(body)', 'expected an object');
  const envelope = wrapped && isJsonObject(value['schema']) ? envelopeFields(value['schema']) : undefined;

  const op = payload['op'];
  if (op === 'm') return null;
  if (typeof op !== 'string' || !OPS.has(op)) throw new DebeziumFormatError(at('op'), `expected one of c, u, d, r, t, got ${show(op)}`);
  const source = payload['source'];
  if (!isJsonObject(source)) throw new DebeziumFormatError(at('source'), 'expected an object (the source block)');
  const text = (field: string): string => {
    const item = source[field];
    if (typeof item !== 'string' || item === '')
      throw new DebeziumFormatError(at(`source.${field}`), `expected a string, got ${show(item)}`);
    return item;
  };
  const integer = (field: string, item: JsonValue | undefined): bigint => {
    if (item instanceof JsonNumber && item.isInteger()) return BigInt(item.text);
    if (typeof item === 'string' && /^\d+$/.test(item)) return BigInt(item);
    throw new DebeziumFormatError(at(field), `expected an integer, got ${show(item)}`);
  };
  const schema = text('schema');
  const table = text('table');
  const lsn = integer('source.lsn', source['lsn']);
  const txId = Number(integer('source.txId', source['txId']));
  const tsMs = Number(integer('source.ts_ms', source['ts_ms']));
  let lastCommitLsn = lsn;
  const sequence = source['sequence'];
  if (sequence !== undefined && sequence !== null) {
    let parsed: JsonValue;
    try {
      parsed = typeof sequence === 'string' ? parseJson(sequence) : sequence;
    } catch {
      throw new DebeziumFormatError(at('source.sequence'), 'expected a JSON array ["<lastCommitLsn>", "<lsn>"]');
    }
    if (!Array.isArray(parsed) || parsed.length !== 2)
      throw new DebeziumFormatError(at('source.sequence'), 'expected a JSON array ["<lastCommitLsn>", "<lsn>"]');
    lastCommitLsn = parsed[0] === null || parsed[0] === undefined ? 0n : integer('source.sequence[0]', parsed[0]);
  }
  const snapshotRaw = source['snapshot'];
  const snapshot =
    snapshotRaw === undefined || snapshotRaw === null ? 'false' : typeof snapshotRaw === 'boolean' ? String(snapshotRaw) : snapshotRaw;
  if (typeof snapshot !== 'string') throw new DebeziumFormatError(at('source.snapshot'), `expected a string, got ${show(snapshot)}`);
  const transaction = payload['transaction'];
  let order = 0;
  if (isJsonObject(transaction) && transaction['total_order'] !== undefined && transaction['total_order'] !== null)
    order = Number(integer('transaction.total_order', transaction['total_order']));

  const placeholder = options.placeholder ?? DEFAULT_PLACEHOLDER;
  const unchanged = new Set<string>();
  const columnsOf = new Map<string, RelationColumn>();
  // With schemas, the value schema lists the table's columns (Debezium's view of them), whatever a row holds.
  const tableSchema = envelope?.get('after') ?? envelope?.get('before');
  for (const [name, fieldSchema] of tableSchema ?? []) columnsOf.set(name, { name, typeOid: typeOidOf(fieldSchema), isKey: false });
  let complete = tableSchema !== undefined && tableSchema.size > 0;
  const readRow = (field: 'before' | 'after'): Row | null => {
    const raw = payload[field];
    if (raw === null || raw === undefined) return null;
    if (!isJsonObject(raw)) throw new DebeziumFormatError(at(field), `expected an object or null, got ${show(raw)}`);
    const schemas = envelope?.get(field);
    const row: Row = {};
    for (const [name, item] of Object.entries(raw)) {
      const fieldSchema = schemas?.get(name);
      if (!columnsOf.has(name)) {
        // A field its schema does not list: the schema is not the whole story.
        complete = false;
        columnsOf.set(name, { name, typeOid: typeOidOf(fieldSchema), isKey: false });
      }
      if (item === placeholder) {
        if (field === 'after') unchanged.add(name);
        continue;
      }
      try {
        row[name] = valueToText(item, fieldSchema);
      } catch (error) {
        throw new DebeziumFormatError(at(`${field}.${name}`), error instanceof ValueError ? error.message : String(error));
      }
    }
    return row;
  };
  const after = readRow('after');
  const before = readRow('before');
  if ((op === 'c' || op === 'r' || op === 'u') && !after) throw new DebeziumFormatError(at('after'), `op "${op}" needs the new row`);
  if (op === 'd' && !before) throw new DebeziumFormatError(at('before'), 'op "d" needs the old row (at least its key)');
  const relations = options.relations ?? new RelationCache();
  const relation = op === 't' ? relations.last(schema, table) : relations.get(schema, table, [...columnsOf.values()], complete);
  const eventTs = payload['ts_ms'];
  const event: ChangeEvent = {
    op: op as ChangeEvent['op'],
    before,
    after,
    source: {
      connector: 'strangler',
      db: typeof source['db'] === 'string' ? source['db'] : '',
      schema,
      table,
      lsn: Number(lsn),
      txId,
      ts_ms: tsMs,
      snapshot: snapshot === 'false' ? 'false' : snapshot === 'last' ? 'last' : 'true',
    },
    ts_ms: eventTs instanceof JsonNumber ? eventTs.toNumber() : (options.now ?? Date.now)(),
    ...(unchanged.size > 0 ? { unchangedToast: [...unchanged] } : {}),
    relation,
  };
  return { event, position: { txId, lastCommitLsn, lsn, order }, snapshot };
}

function envelopeFields(schema: JsonObject): Map<string, Map<string, ConnectSchema>> {
  const out = new Map<string, Map<string, ConnectSchema>>();
  const fields = schema['fields'];
  if (!Array.isArray(fields)) return out;
  for (const field of fields) {
    if (!isJsonObject(field) || typeof field['field'] !== 'string' || !Array.isArray(field['fields'])) continue;
    const columns = new Map<string, ConnectSchema>();
    for (const column of field['fields']) {
      const parsed = connectSchema(column);
      if (parsed?.field) columns.set(parsed.field, parsed);
    }
    out.set(field['field'], columns);
  }
  return out;
}

function connectSchema(value: JsonValue): ConnectSchema | undefined {
  if (!isJsonObject(value) || typeof value['type'] !== 'string') return undefined;
  const parameters = value['parameters'];
  return {
    type: value['type'],
    ...(typeof value['name'] === 'string' ? { name: value['name'] } : {}),
    ...(typeof value['field'] === 'string' ? { field: value['field'] } : {}),
    ...(isJsonObject(parameters)
      ? {
          parameters: Object.fromEntries(
            Object.entries(parameters).map(([key, item]) => [key, typeof item === 'string' ? item : stringifyJson(item)]),
          ),
        }
      : {}),
    ...(value['items'] !== undefined ? { items: connectSchema(value['items']) ?? { type: 'string' } } : {}),
  };
}

function show(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing (missing)';
  if (value instanceof JsonNumber) return value.text;
  return JSON.stringify(value) ?? String(value);
}
