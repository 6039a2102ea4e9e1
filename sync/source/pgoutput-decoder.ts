/**
 * A decoder for the `pgoutput` plugin's messages, protocol version 1 without streaming
 * (PostgreSQL docs, "Logical Replication Message Formats"). Pure: a Buffer in, a typed
 * message out. Column values stay text exactly as the server's output functions wrote them.
 */
import type { Lsn, Relation } from '../change.js';
import { readPgTimestampMs } from './replication-protocol.js';

/** TupleData 'u': an unchanged TOASTed value that the server did not send. */
export const UNCHANGED_TOAST: unique symbol = Symbol('unchanged-toast');

/** One column of a TupleData: text ('t'), null ('n'), unchanged TOAST ('u'); binary ('b') arrives as bytea hex text. */
export type TupleValue = string | null | typeof UNCHANGED_TOAST;

export interface BeginMessage {
  tag: 'begin';
  /** The LSN of the commit record (the transaction's "final LSN"). */
  finalLsn: Lsn;
  commitTime: number;
  xid: number;
}
export interface CommitMessage {
  tag: 'commit';
  flags: number;
  commitLsn: Lsn;
  endLsn: Lsn;
  commitTime: number;
}
export interface OriginMessage {
  tag: 'origin';
  originLsn: Lsn;
  name: string;
}
export interface RelationMessage {
  tag: 'relation';
  relation: Relation;
}
export interface TypeMessage {
  tag: 'type';
  oid: number;
  schema: string;
  name: string;
}
export interface InsertMessage {
  tag: 'insert';
  relationOid: number;
  newTuple: TupleValue[];
}
export interface UpdateMessage {
  tag: 'update';
  relationOid: number;
  /** 'K': the old key (a key column changed, or replica identity index); 'O': the whole old row (FULL). */
  oldKind: 'K' | 'O' | undefined;
  oldTuple: TupleValue[] | undefined;
  newTuple: TupleValue[];
}
export interface DeleteMessage {
  tag: 'delete';
  relationOid: number;
  oldKind: 'K' | 'O';
  oldTuple: TupleValue[];
}
export interface TruncateMessage {
  tag: 'truncate';
  relationOids: number[];
  cascade: boolean;
  restartIdentity: boolean;
}
export interface LogicalMessage {
  tag: 'message';
  transactional: boolean;
  lsn: Lsn;
  prefix: string;
  content: Buffer;
}

export type PgOutputMessage =
  | BeginMessage
  | CommitMessage
  | OriginMessage
  | RelationMessage
  | TypeMessage
  | InsertMessage
  | UpdateMessage
  | DeleteMessage
  | TruncateMessage
  | LogicalMessage;

export class PgOutputError extends Error {
  override name = 'PgOutputError';
}

/** A read cursor over one message; every read checks the bounds so a short buffer throws, never misreads. */
class Reader {
  offset = 0;
  constructor(private readonly buffer: Buffer) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length) {
      throw new PgOutputError(`pgoutput message truncated at byte ${this.offset} (needs ${bytes} more of ${this.buffer.length})`);
    }
  }
  byte(): number {
    this.need(1);
    return this.buffer[this.offset++] ?? 0;
  }
  int16(): number {
    this.need(2);
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  uint32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  lsn(): Lsn {
    this.need(8);
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
  timestamp(): number {
    this.need(8);
    const value = readPgTimestampMs(this.buffer, this.offset);
    this.offset += 8;
    return value;
  }
  /** String: a NUL-terminated UTF-8 string ("Message Data Types"). */
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    if (end === -1) throw new PgOutputError(`pgoutput string without a terminator at byte ${this.offset}`);
    const value = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }
  bytes(length: number): Buffer {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  text(length: number): string {
    this.need(length);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

/** TupleData: Int16 column count, then per column 'n' | 'u' | 't' Int32 len Byten | 'b' Int32 len Byten. */
function readTuple(reader: Reader): TupleValue[] {
  const count = reader.int16();
  const values = new Array<TupleValue>(count);
  for (let i = 0; i < count; i++) {
    const kind = reader.byte();
    if (kind === 0x74 /* 't' */) values[i] = reader.text(reader.int32());
    else if (kind === 0x6e /* 'n' */) values[i] = null;
    else if (kind === 0x75 /* 'u' */) values[i] = UNCHANGED_TOAST;
    else if (kind === 0x62 /* 'b' */) values[i] = '\\x' + reader.bytes(reader.int32()).toString('hex');
    else throw new PgOutputError(`unknown TupleData column kind ${String(kind)} at column ${i}`);
  }
  return values;
}

const IDENTITIES = new Set(['d', 'n', 'f', 'i']);

function readRelation(reader: Reader): Relation {
  const oid = reader.uint32();
  const schema = reader.cstring();
  const table = reader.cstring();
  const identity = String.fromCharCode(reader.byte());
  if (!IDENTITIES.has(identity)) throw new PgOutputError(`unknown replica identity ${JSON.stringify(identity)} for ${schema}.${table}`);
  const count = reader.int16();
  const columns = [];
  for (let i = 0; i < count; i++) {
    const flags = reader.byte();
    const name = reader.cstring();
    const typeOid = reader.uint32();
    reader.int32(); // type modifier (atttypmod)
    columns.push({ name, typeOid, isKey: (flags & 1) === 1 });
  }
  // An empty namespace means pg_catalog (docs, Relation message).
  return { oid, schema: schema === '' ? 'pg_catalog' : schema, table, replicaIdentity: identity as Relation['replicaIdentity'], columns };
}

function oldKindOf(byte: number): 'K' | 'O' | undefined {
  if (byte === 0x4b /* 'K' */) return 'K';
  if (byte === 0x4f /* 'O' */) return 'O';
  return undefined;
}

export function decodePgOutput(buffer: Buffer): PgOutputMessage {
  const reader = new Reader(buffer);
  const tag = reader.byte();
  switch (tag) {
    case 0x42 /* 'B' */:
      return { tag: 'begin', finalLsn: reader.lsn(), commitTime: reader.timestamp(), xid: reader.uint32() };
    case 0x43 /* 'C' */:
      return { tag: 'commit', flags: reader.byte(), commitLsn: reader.lsn(), endLsn: reader.lsn(), commitTime: reader.timestamp() };
    case 0x4f /* 'O' */:
      return { tag: 'origin', originLsn: reader.lsn(), name: reader.cstring() };
    case 0x52 /* 'R' */:
      return { tag: 'relation', relation: readRelation(reader) };
    case 0x59 /* 'Y' */: {
      const oid = reader.uint32();
      const schema = reader.cstring();
      return { tag: 'type', oid, schema: schema === '' ? 'pg_catalog' : schema, name: reader.cstring() };
    }
    case 0x49 /* 'I' */: {
      const relationOid = reader.uint32();
      const marker = reader.byte();
      if (marker !== 0x4e /* 'N' */) throw new PgOutputError(`Insert without a new tuple (marker ${String(marker)})`);
      return { tag: 'insert', relationOid, newTuple: readTuple(reader) };
    }
    case 0x55 /* 'U' */: {
      const relationOid = reader.uint32();
      let marker = reader.byte();
      const oldKind = oldKindOf(marker);
      let oldTuple: TupleValue[] | undefined;
      if (oldKind !== undefined) {
        oldTuple = readTuple(reader);
        marker = reader.byte();
      }
      if (marker !== 0x4e /* 'N' */) throw new PgOutputError(`Update without a new tuple (marker ${String(marker)})`);
      return { tag: 'update', relationOid, oldKind, oldTuple, newTuple: readTuple(reader) };
    }
    case 0x44 /* 'D' */: {
      const relationOid = reader.uint32();
      const oldKind = oldKindOf(reader.byte());
      if (oldKind === undefined) throw new PgOutputError('Delete without an old key or old tuple');
      return { tag: 'delete', relationOid, oldKind, oldTuple: readTuple(reader) };
    }
    case 0x54 /* 'T' */: {
      const count = reader.int32();
      const options = reader.byte();
      const relationOids: number[] = [];
      for (let i = 0; i < count; i++) relationOids.push(reader.uint32());
      return { tag: 'truncate', relationOids, cascade: (options & 1) === 1, restartIdentity: (options & 2) === 2 };
    }
    case 0x4d /* 'M' */: {
      const transactional = (reader.byte() & 1) === 1;
      const lsn = reader.lsn();
      const prefix = reader.cstring();
      // Copy: the receive buffer is reused once the callback returns.
      return { tag: 'message', transactional, lsn, prefix, content: Buffer.from(reader.bytes(reader.int32())) };
    }
    default:
      throw new PgOutputError(
        `unknown pgoutput message ${JSON.stringify(String.fromCharCode(tag))} (streaming and two-phase messages are not requested by this decoder)`,
      );
  }
}
