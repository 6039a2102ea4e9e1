/**
 * ChangeEvent -> Debezium JSON, as the PostgreSQL connector's events look through the JSON
 * converter (envelope and source block: see format.ts; value types: values.ts). With
 * `schemas: true` the value is wrapped as `{schema, payload}` with the Kafka Connect schema of
 * the envelope (Debezium docs, PostgreSQL connector, "Change event values":
 * https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-change-event-values).
 */
import type { ChangeEvent, Lsn, Row, SourceTransaction } from '../change.js';
import { DEFAULT_PLACEHOLDER } from './format.js';
import { num, stringifyJson, type JsonObject, type JsonValue } from './json.js';
import { columnEncoding, type ConnectSchema } from './values.js';

export interface EncodeOptions {
  /** source.name: Debezium's topic.prefix (default 'strangler'). */
  topicPrefix?: string;
  /** Wrap in {schema, payload} (schemas.enable=true). Default false. */
  schemas?: boolean;
  /** The transaction the event belongs to, for source.lsn/sequence and the transaction block. */
  commitLsn?: Lsn;
  /** 1-based position of the event in its transaction (transaction.total_order). */
  totalOrder?: number;
  /** 1-based position among the transaction's events of this table (transaction.data_collection_order). */
  dataCollectionOrder?: number;
  placeholder?: string;
  version?: string;
}

/**
 * A ChangeEvent as the Debezium JSON converter would write it. `source.lsn` is the commit LSN of
 * the transaction (the sync sees changes at commit); `sequence` is `["<commitLsn>", "<commitLsn>"]`
 * and `transaction.total_order` orders the events within it.
 */
export function encodeDebeziumEvent(event: ChangeEvent, options: EncodeOptions = {}): JsonObject {
  const encodings = event.relation.columns.map((column) => ({ column, encoding: columnEncoding(column.typeOid) }));
  const placeholder = options.placeholder ?? DEFAULT_PLACEHOLDER;
  const toast = new Set(event.unchangedToast ?? []);
  const row = (values: Row | null, isAfter: boolean): JsonValue => {
    if (!values) return null;
    const out: JsonObject = {};
    for (const { column, encoding } of encodings) {
      if (isAfter && toast.has(column.name)) out[column.name] = placeholder;
      else {
        const text = values[column.name];
        out[column.name] = text === undefined || text === null ? null : encoding.encode(text);
      }
    }
    return out;
  };
  const commitLsn = options.commitLsn ?? BigInt(event.source.lsn);
  const prefix = options.topicPrefix ?? 'strangler';
  const snapshot = event.op === 'r' ? event.source.snapshot : 'false';
  const payload: JsonObject = {
    before: row(event.before, false),
    after: row(event.after, true),
    source: {
      version: options.version ?? 'strangler-1',
      connector: 'postgresql',
      name: prefix,
      ts_ms: num(event.source.ts_ms),
      snapshot,
      db: event.source.db,
      sequence: JSON.stringify([String(commitLsn), String(commitLsn)]),
      schema: event.source.schema,
      table: event.source.table,
      txId: num(event.source.txId),
      lsn: num(commitLsn),
      xmin: null,
    },
    op: event.op,
    ts_ms: num(event.ts_ms),
    transaction:
      options.totalOrder === undefined
        ? null
        : {
            id: `${event.source.txId}:${String(commitLsn)}`,
            total_order: num(options.totalOrder),
            data_collection_order: num(options.dataCollectionOrder ?? options.totalOrder),
          },
  };
  if (!options.schemas) return payload;
  const rowName = `${prefix}.${event.source.schema}.${event.source.table}`;
  const rowSchema = (field: string): ConnectSchema => ({
    type: 'struct',
    fields: encodings.map(({ column, encoding }) => ({ ...encoding.schema, field: column.name })),
    optional: true,
    name: `${rowName}.Value`,
    field,
  });
  const str = (field: string, optional = false): ConnectSchema => ({ type: 'string', optional, field });
  const int64 = (field: string, optional = true): ConnectSchema => ({ type: 'int64', optional, field });
  const schema: ConnectSchema = {
    type: 'struct',
    fields: [
      rowSchema('before'),
      rowSchema('after'),
      {
        type: 'struct',
        fields: [
          str('version'),
          str('connector'),
          str('name'),
          int64('ts_ms', false),
          {
            type: 'string',
            optional: true,
            name: 'io.debezium.data.Enum',
            version: 1,
            parameters: { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' },
            default: 'false',
            field: 'snapshot',
          },
          str('db'),
          str('sequence', true),
          str('schema'),
          str('table'),
          int64('txId'),
          int64('lsn'),
          int64('xmin'),
        ],
        optional: false,
        name: 'io.debezium.connector.postgresql.Source',
        field: 'source',
      },
      str('op'),
      int64('ts_ms'),
      {
        type: 'struct',
        fields: [str('id'), int64('total_order', false), int64('data_collection_order', false)],
        optional: true,
        name: 'event.block',
        version: 1,
        field: 'transaction',
      },
    ],
    optional: false,
    name: `${rowName}.Envelope`,
    version: 1,
  };
  return { schema: toJson(schema), payload };
}

function toJson(schema: ConnectSchema): JsonObject {
  const out: JsonObject = { type: schema.type };
  if (schema.fields) out['fields'] = schema.fields.map(toJson);
  if (schema.items) out['items'] = toJson(schema.items);
  if (schema.optional !== undefined) out['optional'] = schema.optional;
  if (schema.name) out['name'] = schema.name;
  if (schema.version !== undefined) out['version'] = num(schema.version);
  if (schema.parameters) out['parameters'] = { ...schema.parameters };
  if (schema.default !== undefined) out['default'] = schema.default;
  if (schema.field) out['field'] = schema.field;
  return out;
}

/** The events of a source transaction as Debezium JSON texts, in order, with their message ids `<lsn>:<txId>:<index>`. */
export function encodeTransaction(
  tx: SourceTransaction,
  options: Omit<EncodeOptions, 'commitLsn' | 'totalOrder' | 'dataCollectionOrder'> = {},
): Array<{ id: string; subjectTable: { schema: string; table: string }; json: string }> {
  const perTable = new Map<string, number>();
  return tx.changes.map((event, index) => {
    const tableKey = `${event.source.schema}.${event.source.table}`;
    const inTable = (perTable.get(tableKey) ?? 0) + 1;
    perTable.set(tableKey, inTable);
    const json = stringifyJson(
      encodeDebeziumEvent(event, { ...options, commitLsn: tx.commitLsn, totalOrder: index + 1, dataCollectionOrder: inTable }),
    );
    return {
      id: `${String(tx.commitLsn)}:${tx.xid}:${index}`,
      subjectTable: { schema: event.source.schema, table: event.source.table },
      json,
    };
  });
}
