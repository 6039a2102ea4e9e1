import { describe, expect, it } from 'vitest';
import type { ChangeEvent, Relation, SourceTransaction } from '../change.js';
import { comparePositions, decodeDebeziumJson, DebeziumFormatError, RelationCache, type DecodedEvent } from './format.js';
import { encodeDebeziumEvent, encodeTransaction } from './encode.js';
import { JsonNumber, parseJson, stringifyJson } from './json.js';
import { decimalFromBase64, decimalToBase64, valueToText } from './values.js';

/** An update as the PostgreSQL connector writes it with the JSON converter, schemas enabled (REPLICA IDENTITY FULL). */
const updateWithSchema = {
  schema: {
    type: 'struct',
    name: 'shop.public.products.Envelope',
    optional: false,
    version: 1,
    fields: ['before', 'after'].map((field) => ({
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
          parameters: { scale: '2', 'connect.decimal.precision': '12' },
          field: 'price',
        },
        {
          type: 'struct',
          optional: true,
          name: 'io.debezium.data.VariableScaleDecimal',
          version: 1,
          field: 'weight',
          fields: [
            { type: 'int32', optional: false, field: 'scale' },
            { type: 'bytes', optional: false, field: 'value' },
          ],
        },
        { type: 'boolean', optional: true, field: 'active' },
        { type: 'int64', optional: true, name: 'io.debezium.time.MicroTimestamp', version: 1, field: 'created' },
        { type: 'string', optional: true, name: 'io.debezium.time.ZonedTimestamp', version: 1, field: 'updated_at' },
        { type: 'int32', optional: true, name: 'io.debezium.time.Date', version: 1, field: 'released' },
        { type: 'int64', optional: true, name: 'io.debezium.time.MicroTime', version: 1, field: 'opens' },
        { type: 'bytes', optional: true, field: 'thumb' },
        { type: 'string', optional: true, name: 'io.debezium.data.Json', version: 1, field: 'attrs' },
        { type: 'string', optional: true, name: 'io.debezium.data.Uuid', version: 1, field: 'sku' },
        { type: 'string', optional: true, field: 'description' },
      ],
    })),
  },
  payload: {
    before: {
      id: 4242,
      name: 'Lamp',
      price: 'MDk=',
      weight: { scale: 4, value: 'ALxhTg==' },
      active: true,
      created: 1709296496789012,
      updated_at: '2024-03-01T12:34:56.789012Z',
      released: 19783,
      opens: 45296500000,
      thumb: '3q2+7w==',
      attrs: '{"color": "red"}',
      sku: '5f0c6b8e-7f1a-4a36-9d43-3f7c2b1a0e11',
      description: 'old text',
    },
    after: {
      id: 4242,
      name: 'Lamp "Deluxe"',
      price: '/w==',
      weight: { scale: 0, value: 'AA==' },
      active: false,
      created: 1709296496789012,
      updated_at: '2024-03-02T00:00:00Z',
      released: 19783,
      opens: 45296500000,
      thumb: null,
      attrs: '{"color": "blue"}',
      sku: '5f0c6b8e-7f1a-4a36-9d43-3f7c2b1a0e11',
      description: '__debezium_unavailable_value',
    },
    source: {
      version: '2.7.3.Final',
      connector: 'postgresql',
      name: 'shop',
      ts_ms: 1709296500123,
      snapshot: 'false',
      db: 'shop',
      sequence: '["24023119","24023128"]',
      schema: 'public',
      table: 'products',
      txId: 571,
      lsn: 24023128,
      xmin: null,
    },
    op: 'u',
    ts_ms: 1709296500456,
    transaction: { id: '571:24023128', total_order: 2, data_collection_order: 2 },
  },
};

// JSON.stringify would round the int64 id; write the literal exactly as Debezium does.
const updateText = JSON.stringify(updateWithSchema).replaceAll('"id":4242,', '"id":9007199254740993,');

/** A create as written with schemas.enable=false (payload only), decimal.handling.mode=string. */
const createNoSchema = `{"before":null,"after":{"id":7,"name":"Chair","price":"19.90","tags":["a","b c"],"active":true},
"source":{"version":"2.7.3.Final","connector":"postgresql","name":"shop","ts_ms":1709296600000,"snapshot":"false","db":"shop",
"sequence":"[\\"24023200\\",\\"24023304\\"]","schema":"public","table":"products","txId":572,"lsn":24023304,"xmin":null},
"op":"c","ts_ms":1709296600100,"transaction":null}`;

function decode(text: string, relations?: RelationCache): DecodedEvent {
  const decoded = decodeDebeziumJson(text, relations ? { relations } : {});
  if (!decoded) throw new Error('expected an event');
  return decoded;
}

describe('Debezium JSON in', () => {
  it('reads a schema-wrapped update exactly: int64, Decimal, VariableScaleDecimal, temporal, bytea, json, TOAST placeholder', () => {
    const { event, position, snapshot } = decode(updateText);
    expect(event.op).toBe('u');
    expect(snapshot).toBe('false');
    expect(position).toEqual({ txId: 571, lastCommitLsn: 24023119n, lsn: 24023128n, order: 2 });
    expect(event.before).toMatchObject({
      id: '9007199254740993',
      price: '123.45',
      weight: '1234.5678',
      active: 't',
      created: '2024-03-01 12:34:56.789012',
      released: '2024-03-01',
      opens: '12:34:56.5',
      thumb: '\\xdeadbeef',
      attrs: '{"color": "red"}',
    });
    expect(event.after).toMatchObject({
      name: 'Lamp "Deluxe"',
      price: '-0.01',
      weight: '0',
      active: 'f',
      thumb: null,
      updated_at: '2024-03-02T00:00:00Z',
    });
    expect(event.after).not.toHaveProperty('description');
    expect(event.unchangedToast).toEqual(['description']);
    expect(event.source).toMatchObject({
      schema: 'public',
      table: 'products',
      txId: 571,
      lsn: 24023128,
      ts_ms: 1709296500123,
      snapshot: 'false',
    });
    expect(event.relation.columns.find((column) => column.name === 'price')?.typeOid).toBe(1700);
    expect(event.relation.columns.find((column) => column.name === 'created')?.typeOid).toBe(1114);
  });

  it('reads a payload-only create; arrays become PostgreSQL array literals', () => {
    const { event, position } = decode(createNoSchema);
    expect(event.op).toBe('c');
    expect(event.before).toBeNull();
    expect(event.after).toEqual({ id: '7', name: 'Chair', price: '19.90', tags: '{"a","b c"}', active: 't' });
    expect(position).toEqual({ txId: 572, lastCommitLsn: 24023200n, lsn: 24023304n, order: 0 });
  });

  it('gives the same Relation object to events of the same table shape', () => {
    const relations = new RelationCache();
    const a = decode(createNoSchema, relations).event.relation;
    const b = decode(createNoSchema.replace('"id":7', '"id":8'), relations).event.relation;
    expect(b).toBe(a);
    const truncate = decode(
      `{"before":null,"after":null,"source":{"version":"2.7.3.Final","connector":"postgresql","name":"shop","ts_ms":1,"snapshot":"false","db":"shop","sequence":"[\\"1\\",\\"2\\"]","schema":"public","table":"products","txId":5,"lsn":2,"xmin":null},"op":"t","ts_ms":2}`,
      relations,
    );
    expect(truncate.event.op).toBe('t');
    expect(truncate.event.relation).toBe(a);
  });

  it('takes the table columns from the value schema when there is one (a complete relation); without one, from the fields sent', () => {
    const { event } = decode(updateText);
    const schemaFields = updateWithSchema.schema.fields[1]?.fields.map((field) => field.field);
    expect(event.relation.columns.map((column) => column.name)).toEqual(schemaFields);
    expect(event.relation).toMatchObject({ typesFrom: 'connect' });
    expect(event.relation.partial).toBeUndefined();
    // A field the schema does not list: the schema is not the whole table's, so nothing is inferred from it.
    const extra = JSON.parse(updateText) as { payload: { after: Record<string, unknown> } };
    extra.payload.after['unlisted'] = 1;
    const partial = decode(JSON.stringify(extra)).event.relation;
    expect(partial).toMatchObject({ partial: true });
    expect(partial.typesFrom).toBeUndefined();
    const plainRelation = decode(createNoSchema).event.relation;
    expect(plainRelation).toMatchObject({ partial: true });
    expect(plainRelation.columns.map((column) => column.name)).toEqual(['id', 'name', 'price', 'tags', 'active']);
  });

  it('ignores tombstones and logical-decoding messages', () => {
    expect(decodeDebeziumJson('')).toBeNull();
    expect(decodeDebeziumJson('null')).toBeNull();
    expect(decodeDebeziumJson('{"schema":null,"payload":null}')).toBeNull();
    expect(decodeDebeziumJson(createNoSchema.replace('"op":"c"', '"op":"m"'))).toBeNull();
  });

  it('names the bad field', () => {
    const fieldOf = (text: string): string => {
      try {
        decodeDebeziumJson(text);
      } catch (error) {
        if (error instanceof DebeziumFormatError) return error.field;
        throw error;
      }
      throw new Error('expected DebeziumFormatError');
    };
    expect(fieldOf('{"op":')).toBe('(body)');
    expect(fieldOf(createNoSchema.replace('"op":"c"', '"op":"x"'))).toBe('op');
    expect(fieldOf(createNoSchema.replace('"txId":572,', ''))).toBe('source.txId');
    expect(
      fieldOf(
        JSON.stringify({
          schema: null,
          payload: { ...updateWithSchema.payload, source: { ...updateWithSchema.payload.source, lsn: 'x' } },
        }),
      ),
    ).toBe('payload.source.lsn');
    expect(fieldOf(createNoSchema.replace('"after":{', '"after":null,"x":{'))).toBe('after');
    expect(fieldOf(createNoSchema.replace('"sequence":"[\\"24023200\\",\\"24023304\\"]"', '"sequence":"[1]"'))).toBe('source.sequence');
  });

  it('orders events by (lastCommitLsn, lsn, total_order), not by lsn alone', () => {
    const base = { txId: 1, order: 0 };
    // A transaction whose first change predates the previous commit comes after it.
    expect(comparePositions({ ...base, lastCommitLsn: 200n, lsn: 100n }, { ...base, txId: 2, lastCommitLsn: 150n, lsn: 180n })).toBe(1);
    expect(comparePositions({ ...base, lastCommitLsn: 200n, lsn: 100n }, { ...base, lastCommitLsn: 200n, lsn: 101n })).toBe(-1);
    expect(comparePositions({ ...base, lastCommitLsn: 5n, lsn: 5n, order: 1 }, { ...base, lastCommitLsn: 5n, lsn: 5n, order: 2 })).toBe(-1);
  });
});

const relation: Relation = {
  oid: 16384,
  schema: 'public',
  table: 'products',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 20, isKey: true },
    { name: 'name', typeOid: 25, isKey: false },
    { name: 'price', typeOid: 1700, isKey: false },
    { name: 'active', typeOid: 16, isKey: false },
    { name: 'created', typeOid: 1114, isKey: false },
    { name: 'updated_at', typeOid: 1184, isKey: false },
    { name: 'released', typeOid: 1082, isKey: false },
    { name: 'opens', typeOid: 1083, isKey: false },
    { name: 'thumb', typeOid: 17, isKey: false },
    { name: 'ratio', typeOid: 701, isKey: false },
    { name: 'attrs', typeOid: 3802, isKey: false },
    { name: 'description', typeOid: 25, isKey: false },
  ],
};

const ourEvent: ChangeEvent = {
  op: 'u',
  before: { id: '9223372036854775807' },
  after: {
    id: '9223372036854775807',
    name: 'Lamp',
    price: '1234567890123456789.123456789',
    active: 't',
    created: '2024-03-01 12:34:56.789012',
    updated_at: '2024-03-01 14:34:56.5+02',
    released: '2024-03-01',
    opens: '12:34:56.5',
    thumb: '\\xdeadbeef',
    ratio: '0.1',
    attrs: '{"a": [1, 2]}',
  },
  unchangedToast: ['description'],
  source: {
    connector: 'strangler',
    db: 'shop',
    schema: 'public',
    table: 'products',
    lsn: 24023128,
    txId: 571,
    ts_ms: 1709296500123,
    snapshot: 'false',
  },
  ts_ms: 1709296500456,
  relation,
};

describe('Debezium JSON out', () => {
  it('writes the envelope the connector writes, with typed values', () => {
    const payload = encodeDebeziumEvent(ourEvent, { topicPrefix: 'shop', commitLsn: 24023128n, totalOrder: 1 });
    const text = stringifyJson(payload);
    expect(text).toContain('"id":9223372036854775807');
    expect(text).toContain('"created":1709296496789012');
    const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
    expect(parsed['source']).toEqual({
      version: 'strangler-1',
      connector: 'postgresql',
      name: 'shop',
      ts_ms: 1709296500123,
      snapshot: 'false',
      db: 'shop',
      sequence: '["24023128","24023128"]',
      schema: 'public',
      table: 'products',
      txId: 571,
      lsn: 24023128,
      xmin: null,
    });
    expect(parsed['op']).toBe('u');
    expect(parsed['transaction']).toEqual({ id: '571:24023128', total_order: 1, data_collection_order: 1 });
    expect(parsed['after']).toMatchObject({
      price: '1234567890123456789.123456789',
      active: true,
      updated_at: '2024-03-01T12:34:56.5Z',
      released: 19783,
      opens: 45296500000,
      thumb: '3q2+7w==',
      ratio: 0.1,
      attrs: '{"a": [1, 2]}',
      description: '__debezium_unavailable_value',
    });
    expect(text).toContain('"before":{"id":9223372036854775807,"name":null');
  });

  for (const schemas of [false, true]) {
    it(`round-trips our events through Debezium JSON (schemas ${schemas ? 'enabled' : 'disabled'})`, () => {
      const text = stringifyJson(encodeDebeziumEvent(ourEvent, { schemas, commitLsn: 24023128n, totalOrder: 3 }));
      const back = decode(text);
      expect(back.position).toEqual({ txId: 571, lastCommitLsn: 24023128n, lsn: 24023128n, order: 3 });
      expect(back.event.unchangedToast).toEqual(['description']);
      const after = back.event.after ?? {};
      // timestamptz comes back in UTC (the same instant); everything else as the same text.
      expect(after['updated_at']).toBe('2024-03-01T12:34:56.5Z');
      const { updated_at: _zone, ...rest } = ourEvent.after ?? {};
      if (schemas) expect(after).toMatchObject(rest);
      else {
        // Without a schema the JSON type is all there is: temporal numbers stay numbers, bytea stays base64.
        expect(after).toMatchObject({
          id: rest['id'],
          name: 'Lamp',
          price: rest['price'],
          active: 't',
          attrs: rest['attrs'],
          ratio: '0.1',
        });
        expect(after['created']).toBe('1709296496789012');
        expect(after['thumb']).toBe('3q2+7w==');
      }
    });
  }

  it('gives every message of a transaction its id <lsn>:<txId>:<index>', () => {
    const tx: SourceTransaction = {
      xid: 571,
      commitLsn: 24023128n,
      endLsn: 24023160n,
      commitTime: 1709296500123,
      relations: [relation],
      changes: [ourEvent, { ...ourEvent, op: 'd', after: null, unchangedToast: [] }],
    };
    const messages = encodeTransaction(tx, { topicPrefix: 'shop' });
    expect(messages.map((message) => message.id)).toEqual(['24023128:571:0', '24023128:571:1']);
    expect(JSON.parse(messages[1]?.json ?? '{}')).toMatchObject({
      op: 'd',
      after: null,
      transaction: { total_order: 2, data_collection_order: 2 },
    });
  });
});

describe('values', () => {
  it('decimals cross as exact digits', () => {
    expect(decimalFromBase64('MDk=', 2)).toBe('123.45');
    expect(decimalFromBase64('/w==', 2)).toBe('-0.01');
    expect(decimalFromBase64('ALxhTg==', 4)).toBe('1234.5678');
    for (const text of ['0', '-1', '127', '128', '-128', '-129', '99999999999999999999.000001', '-0.5']) {
      const { scale, value } = decimalToBase64(text);
      expect(decimalFromBase64(value, scale)).toBe(text.replace(/^-0\.5$/, '-0.5'));
    }
  });

  it('keeps number literals as text', () => {
    const value = parseJson('{"a":12345678901234567890,"b":[1.5e3,-0]}');
    expect(stringifyJson(value)).toBe('{"a":12345678901234567890,"b":[1.5e3,-0]}');
    expect(valueToText(new JsonNumber('12345678901234567890'), { type: 'int64' })).toBe('12345678901234567890');
    expect(() => parseJson('{"a":1,}')).toThrow(/offset/);
  });

  it('converts the other time precisions', () => {
    expect(valueToText(new JsonNumber('1709296496789'), { type: 'int64', name: 'io.debezium.time.Timestamp' })).toBe(
      '2024-03-01 12:34:56.789',
    );
    expect(valueToText(new JsonNumber('1709296496789012345'), { type: 'int64', name: 'io.debezium.time.NanoTimestamp' })).toBe(
      '2024-03-01 12:34:56.789012345',
    );
    expect(valueToText(new JsonNumber('-1'), { type: 'int64', name: 'io.debezium.time.MicroTimestamp' })).toBe(
      '1969-12-31 23:59:59.999999',
    );
    expect(valueToText(new JsonNumber('3600000000'), { type: 'int64', name: 'io.debezium.time.MicroDuration' })).toBe(
      '3600000000 microseconds',
    );
  });
});
