import { describe, expect, it } from 'vitest';
import type { Relation } from '../change.js';
import { MessageBuilder, begin, commit, del, insert, relation, truncate, update } from './__fixtures__/pgoutput-builder.js';
import { PgOutputError, UNCHANGED_TOAST, decodePgOutput } from './pgoutput-decoder.js';

const ORDERS: Relation = {
  oid: 16_400,
  schema: 'public',
  table: 'orders',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 20, isKey: true },
    { name: 'total', typeOid: 1700, isKey: false },
    { name: 'note', typeOid: 25, isKey: false },
  ],
};

describe('decodePgOutput', () => {
  it('decodes Begin and Commit with LSNs, xid and commit time to the millisecond', () => {
    const when = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    expect(decodePgOutput(begin(0x1_0000_00a0n, when, 4242))).toEqual({
      tag: 'begin',
      finalLsn: 0x1_0000_00a0n,
      commitTime: when,
      xid: 4242,
    });
    expect(decodePgOutput(commit(0x1_0000_00a0n, 0x1_0000_00d8n, when))).toEqual({
      tag: 'commit',
      flags: 0,
      commitLsn: 0x1_0000_00a0n,
      endLsn: 0x1_0000_00d8n,
      commitTime: when,
    });
  });

  it('decodes a Relation message, flags and an empty namespace as pg_catalog', () => {
    expect(decodePgOutput(relation(ORDERS))).toEqual({ tag: 'relation', relation: ORDERS });
    const catalog = { ...ORDERS, schema: 'pg_catalog' };
    expect(decodePgOutput(relation(catalog))).toEqual({ tag: 'relation', relation: catalog });
  });

  it('decodes the four TupleData kinds: text, null, unchanged TOAST, binary', () => {
    const message = decodePgOutput(insert(ORDERS.oid, ['12', null, 'unchanged', { binary: Buffer.from([0xde, 0xad]) }]));
    expect(message).toEqual({ tag: 'insert', relationOid: ORDERS.oid, newTuple: ['12', null, UNCHANGED_TOAST, '\\xdead'] });
  });

  it('keeps text values byte-exact, including multi-byte UTF-8, tabs and an empty string', () => {
    const values = ['12345678901234567890.000000000001', 'ünïcødé ✓ 😀', 'a\tb\nc', ''];
    const message = decodePgOutput(insert(7, values));
    expect(message.tag === 'insert' && message.newTuple).toEqual(values);
  });

  it('decodes Update without old tuple, with old key (K) and with old row (O)', () => {
    expect(decodePgOutput(update(5, ['1', '2', '3']))).toEqual({
      tag: 'update',
      relationOid: 5,
      oldKind: undefined,
      oldTuple: undefined,
      newTuple: ['1', '2', '3'],
    });
    expect(decodePgOutput(update(5, ['2', '2', '3'], { kind: 'K', values: ['1', null, null] }))).toMatchObject({
      oldKind: 'K',
      oldTuple: ['1', null, null],
      newTuple: ['2', '2', '3'],
    });
    expect(decodePgOutput(update(5, ['1', '9', '3'], { kind: 'O', values: ['1', '2', '3'] }))).toMatchObject({
      oldKind: 'O',
      oldTuple: ['1', '2', '3'],
      newTuple: ['1', '9', '3'],
    });
  });

  it('decodes Delete with a key or a full old row', () => {
    expect(decodePgOutput(del(5, 'K', ['1', null, null]))).toEqual({
      tag: 'delete',
      relationOid: 5,
      oldKind: 'K',
      oldTuple: ['1', null, null],
    });
    expect(decodePgOutput(del(5, 'O', ['1', '2', '3']))).toMatchObject({ oldKind: 'O', oldTuple: ['1', '2', '3'] });
  });

  it('decodes Truncate with its CASCADE and RESTART IDENTITY bits', () => {
    expect(decodePgOutput(truncate([5, 6], 3))).toEqual({ tag: 'truncate', relationOids: [5, 6], cascade: true, restartIdentity: true });
    expect(decodePgOutput(truncate([5], 0))).toEqual({ tag: 'truncate', relationOids: [5], cascade: false, restartIdentity: false });
  });

  it('decodes Type, Origin and logical decoding Message', () => {
    expect(decodePgOutput(new MessageBuilder().byte('Y').int32(16_500).cstring('public').cstring('mood').build())).toEqual({
      tag: 'type',
      oid: 16_500,
      schema: 'public',
      name: 'mood',
    });
    expect(decodePgOutput(new MessageBuilder().byte('O').int64(99n).cstring('node_a').build())).toEqual({
      tag: 'origin',
      originLsn: 99n,
      name: 'node_a',
    });
    const content = Buffer.from('hello');
    expect(
      decodePgOutput(
        new MessageBuilder().byte('M').byte(1).int64(77n).cstring('strangler-heartbeat').int32(content.length).raw(content).build(),
      ),
    ).toEqual({ tag: 'message', transactional: true, lsn: 77n, prefix: 'strangler-heartbeat', content });
  });

  it('decodes a relation oid above 2^31 as unsigned', () => {
    const message = decodePgOutput(insert(0xfffffff0, ['1']));
    expect(message.tag === 'insert' && message.relationOid).toBe(0xfffffff0);
  });

  it('rejects truncated messages, unknown tags and unknown tuple kinds', () => {
    const full = insert(5, ['hello']);
    expect(() => decodePgOutput(full.subarray(0, full.length - 2))).toThrow(PgOutputError);
    expect(() => decodePgOutput(Buffer.from('S'))).toThrow(/unknown pgoutput message "S"/);
    const bad = new MessageBuilder().byte('I').int32(5).byte('N').int16(1).byte('z').build();
    expect(() => decodePgOutput(bad)).toThrow(/unknown TupleData column kind/);
  });
});
