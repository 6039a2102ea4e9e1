import { describe, expect, it } from 'vitest';
import type { Relation, SourceTransaction } from '../change.js';
import { begin, commit, del, insert, relation, truncate, update } from './__fixtures__/pgoutput-builder.js';
import { decodePgOutput } from './pgoutput-decoder.js';
import { AssemblerError, isTransactionPart, TransactionAssembler } from './transaction-assembler.js';

const DOCS: Relation = {
  oid: 16_401,
  schema: 'public',
  table: 'docs',
  replicaIdentity: 'd',
  columns: [
    { name: 'id', typeOid: 23, isKey: true },
    { name: 'title', typeOid: 25, isKey: false },
    { name: 'body', typeOid: 25, isKey: false },
  ],
};

function assemble(messages: Buffer[]): SourceTransaction[] {
  const out: SourceTransaction[] = [];
  const assembler = new TransactionAssembler({ database: 'shop', onTransaction: (tx) => out.push(tx), now: () => 42 });
  for (const message of messages) assembler.push(decodePgOutput(message));
  return out;
}

describe('TransactionAssembler', () => {
  it('builds one transaction with Debezium events for insert, update and delete', () => {
    const [tx, ...rest] = assemble([
      begin(0x500n, 1_000, 77),
      relation(DOCS),
      insert(DOCS.oid, ['1', 'a', 'long body']),
      update(DOCS.oid, ['1', 'b', 'unchanged']),
      update(DOCS.oid, ['2', 'b', 'x'], { kind: 'K', values: ['1', null, null] }),
      del(DOCS.oid, 'K', ['2', null, null]),
      commit(0x500n, 0x530n, 1_000),
    ]);
    expect(rest).toEqual([]);
    expect(tx).toMatchObject({ xid: 77, commitLsn: 0x500n, endLsn: 0x530n, commitTime: 1_000, relations: [DOCS] });
    const source = {
      connector: 'strangler',
      db: 'shop',
      schema: 'public',
      table: 'docs',
      lsn: 0x500,
      txId: 77,
      ts_ms: 1_000,
      snapshot: 'false',
    };
    expect(tx?.changes).toEqual([
      { op: 'c', before: null, after: { id: '1', title: 'a', body: 'long body' }, source, ts_ms: 42, relation: DOCS },
      { op: 'u', before: { id: '1' }, after: { id: '1', title: 'b' }, source, ts_ms: 42, relation: DOCS, unchangedToast: ['body'] },
      { op: 'u', before: { id: '1' }, after: { id: '2', title: 'b', body: 'x' }, source, ts_ms: 42, relation: DOCS },
      { op: 'd', before: { id: '2' }, after: null, source, ts_ms: 42, relation: DOCS },
    ]);
  });

  it('gives full before rows with replica identity full, and truncates per relation', () => {
    const full: Relation = { ...DOCS, oid: 9, replicaIdentity: 'f', columns: DOCS.columns.map((c) => ({ ...c, isKey: true })) };
    const [tx] = assemble([
      begin(0x10n, 5, 1),
      relation(full),
      relation(DOCS),
      update(9, ['1', 'new', 'b'], { kind: 'O', values: ['1', 'old', 'b'] }),
      del(9, 'O', ['1', 'new', 'b']),
      truncate([9, DOCS.oid], 0),
      commit(0x10n, 0x20n, 5),
    ]);
    expect(tx?.changes.map((c) => [c.op, c.before, c.after, c.source.table])).toEqual([
      ['u', { id: '1', title: 'old', body: 'b' }, { id: '1', title: 'new', body: 'b' }, 'docs'],
      ['d', { id: '1', title: 'new', body: 'b' }, null, 'docs'],
      ['t', null, null, 'docs'],
      ['t', null, null, 'docs'],
    ]);
    expect(tx?.changes[3]?.relation).toEqual(DOCS);
  });

  it('re-announces a changed relation inside the transaction and decodes later rows by the new shape', () => {
    const wider: Relation = { ...DOCS, columns: [...DOCS.columns, { name: 'tags', typeOid: 1009, isKey: false }] };
    const txs = assemble([
      begin(0x1n, 1, 1),
      relation(DOCS),
      insert(DOCS.oid, ['1', 'a', 'b']),
      commit(0x1n, 0x2n, 1),
      begin(0x3n, 2, 2),
      relation(wider),
      insert(DOCS.oid, ['2', 'a', 'b', '{x,y}']),
      commit(0x3n, 0x4n, 2),
    ]);
    expect(txs.map((tx) => tx.relations.map((r) => r.columns.length))).toEqual([[3], [4]]);
    expect(txs[1]?.changes[0]?.after).toEqual({ id: '2', title: 'a', body: 'b', tags: '{x,y}' });
  });

  it('keeps commit order and tracks whether a transaction is open', () => {
    const out: SourceTransaction[] = [];
    const assembler = new TransactionAssembler({ database: 'd', onTransaction: (tx) => out.push(tx) });
    assembler.push(decodePgOutput(relation(DOCS)));
    assembler.push(decodePgOutput(begin(0x9n, 1, 3)));
    expect(assembler.inTransaction).toBe(true);
    assembler.push(decodePgOutput(commit(0x9n, 0xan, 1)));
    expect(assembler.inTransaction).toBe(false);
    expect(out[0]?.relations).toEqual([DOCS]);
  });

  it('refuses changes before their relation, mismatched tuples and commits outside a transaction', () => {
    expect(() => assemble([begin(1n, 1, 1), insert(123, ['1'])])).toThrow(/before its Relation message/);
    expect(() => assemble([begin(1n, 1, 1), relation(DOCS), insert(DOCS.oid, ['1'])])).toThrow(/tuple of 1 columns/);
    expect(() => assemble([commit(1n, 2n, 1)])).toThrow(AssemblerError);
  });

  it('assembles a 100,000-row transaction in linear time', () => {
    const messages = [begin(0x100n, 1, 9), relation(DOCS)];
    for (let i = 0; i < 100_000; i++) messages.push(insert(DOCS.oid, [String(i), 't', 'b']));
    messages.push(commit(0x100n, 0x200n, 1));
    const started = performance.now();
    const [tx] = assemble(messages);
    const ms = performance.now() - started;
    expect(tx?.changes.length).toBe(100_000);
    expect(tx?.changes[99_999]?.after?.id).toBe('99999');
    // Linear work: well under a second on a slow shared core (quadratic would take minutes).
    expect(ms).toBeLessThan(5_000);
  });
});

describe('TransactionAssembler with partChanges', () => {
  it('hands out a large transaction in parts before its Commit, then the rest at Commit', () => {
    const out: SourceTransaction[] = [];
    const assembler = new TransactionAssembler({ database: 'shop', onTransaction: (tx) => out.push(tx), now: () => 42, partChanges: 2 });
    const messages = [
      relation(DOCS),
      begin(0x900n, 2_000, 91),
      insert(DOCS.oid, ['1', 'a', 'x']),
      insert(DOCS.oid, ['2', 'b', 'x']),
      insert(DOCS.oid, ['3', 'c', 'x']),
      insert(DOCS.oid, ['4', 'd', 'x']),
      insert(DOCS.oid, ['5', 'e', 'x']),
      commit(0x900n, 0x950n, 2_000),
      begin(0xa00n, 2_001, 92),
      insert(DOCS.oid, ['6', 'f', 'x']),
      commit(0xa00n, 0xa30n, 2_001),
    ];
    const seen: number[] = [];
    for (const message of messages) {
      assembler.push(decodePgOutput(message));
      seen.push(out.length);
    }
    // Parts come as soon as two changes are there, before the Commit; the commit brings the fifth.
    expect(seen).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 4]);
    const [first, second, end, small] = out;
    expect(first && isTransactionPart(first)).toBe(true);
    expect(second && isTransactionPart(second)).toBe(true);
    expect(end && isTransactionPart(end)).toBe(false);
    expect(small && isTransactionPart(small)).toBe(false);
    // A part knows its transaction's commit LSN (from Begin) but has no end to acknowledge.
    expect(first).toMatchObject({ xid: 91, commitLsn: 0x900n, endLsn: 0n, commitTime: 2_000, relations: [DOCS] });
    expect(second).toMatchObject({ xid: 91, commitLsn: 0x900n, endLsn: 0n, relations: [] });
    expect(end).toMatchObject({ xid: 91, commitLsn: 0x900n, endLsn: 0x950n, relations: [] });
    expect(out.map((tx) => tx.changes.map((change) => change.after?.id))).toEqual([['1', '2'], ['3', '4'], ['5'], ['6']]);
    expect(assembler.inTransaction).toBe(false);
  });
});
