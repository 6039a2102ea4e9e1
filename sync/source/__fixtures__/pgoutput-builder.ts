/**
 * Builds pgoutput messages byte by byte for the decoder's unit tests, following the layouts
 * in the PostgreSQL docs ("Logical Replication Message Formats").
 */
import type { Lsn, Relation } from '../../change.js';
import { unixMsToPgMicros } from '../replication-protocol.js';

export type BuilderValue = string | null | 'unchanged' | { binary: Buffer };

export class MessageBuilder {
  private readonly parts: Buffer[] = [];

  byte(value: number | string): this {
    this.parts.push(Buffer.from([typeof value === 'string' ? value.charCodeAt(0) : value]));
    return this;
  }
  int16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value);
    this.parts.push(b);
    return this;
  }
  int32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    this.parts.push(b);
    return this;
  }
  int64(value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(value);
    this.parts.push(b);
    return this;
  }
  cstring(value: string): this {
    this.parts.push(Buffer.from(value, 'utf8'), Buffer.from([0]));
    return this;
  }
  raw(value: Buffer): this {
    this.parts.push(value);
    return this;
  }
  tuple(values: readonly BuilderValue[]): this {
    this.int16(values.length);
    for (const value of values) {
      if (value === null) this.byte('n');
      else if (value === 'unchanged') this.byte('u');
      else if (typeof value === 'string') {
        const bytes = Buffer.from(value, 'utf8');
        this.byte('t').int32(bytes.length).raw(bytes);
      } else this.byte('b').int32(value.binary.length).raw(value.binary);
    }
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export const begin = (finalLsn: Lsn, commitMs: number, xid: number): Buffer =>
  new MessageBuilder().byte('B').int64(finalLsn).int64(unixMsToPgMicros(commitMs)).int32(xid).build();

export const commit = (commitLsn: Lsn, endLsn: Lsn, commitMs: number): Buffer =>
  new MessageBuilder().byte('C').byte(0).int64(commitLsn).int64(endLsn).int64(unixMsToPgMicros(commitMs)).build();

export const relation = (rel: Relation): Buffer => {
  const b = new MessageBuilder()
    .byte('R')
    .int32(rel.oid)
    .cstring(rel.schema === 'pg_catalog' ? '' : rel.schema)
    .cstring(rel.table)
    .byte(rel.replicaIdentity)
    .int16(rel.columns.length);
  for (const column of rel.columns) b.byte(column.isKey ? 1 : 0).cstring(column.name).int32(column.typeOid).int32(-1);
  return b.build();
};

export const insert = (oid: number, values: readonly BuilderValue[]): Buffer => new MessageBuilder().byte('I').int32(oid).byte('N').tuple(values).build();

export const update = (oid: number, values: readonly BuilderValue[], old?: { kind: 'K' | 'O'; values: readonly BuilderValue[] }): Buffer => {
  const b = new MessageBuilder().byte('U').int32(oid);
  if (old) b.byte(old.kind).tuple(old.values);
  return b.byte('N').tuple(values).build();
};

export const del = (oid: number, kind: 'K' | 'O', values: readonly BuilderValue[]): Buffer =>
  new MessageBuilder().byte('D').int32(oid).byte(kind).tuple(values).build();

export const truncate = (oids: readonly number[], options: number): Buffer => {
  const b = new MessageBuilder().byte('T').int32(oids.length).byte(options);
  for (const oid of oids) b.int32(oid);
  return b.build();
};
