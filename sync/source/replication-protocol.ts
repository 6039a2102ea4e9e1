/**
 * The messages of the streaming replication protocol that travel inside CopyData once
 * START_REPLICATION has switched the connection to CopyBoth mode (PostgreSQL docs,
 * "Streaming Replication Protocol", START_REPLICATION): XLogData ('w') and primary
 * keepalive ('k') from the server, Standby Status Update ('r') from us. Pure functions.
 */
import type { Lsn } from '../change.js';

/** Microseconds between the Unix epoch and the PostgreSQL epoch (2000-01-01 00:00 UTC). */
const PG_EPOCH_MICROS = 946_684_800_000_000n;

/**
 * The PostgreSQL timestamp (int64 µs since 2000-01-01) at `offset` as Unix ms, truncated like
 * BigInt division, read without BigInt: exact for every time within ±285 years of 2000 (where
 * the µs count is exact as a double); read once or more per replicated transaction.
 */
export function readPgTimestampMs(buffer: Buffer, offset: number): number {
  const unixMicros = buffer.readInt32BE(offset) * 4_294_967_296 + buffer.readUInt32BE(offset + 4) + 946_684_800_000_000;
  return Math.trunc(unixMicros / 1000) + 0; // + 0: no -0
}

export function unixMsToPgMicros(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1000n - PG_EPOCH_MICROS;
}

/** XLogData: Byte1('w'), Int64 start of the WAL data, Int64 server's WAL end, Int64 send time, Byten data. */
export interface XLogData {
  kind: 'xlog';
  walStart: Lsn;
  walEnd: Lsn;
  sendTime: number;
  /** The pgoutput message; a view into the receive buffer, valid only during the callback. */
  data: Buffer;
}

/** Primary keepalive: Byte1('k'), Int64 server's WAL end, Int64 send time, Byte1 1 = reply now. */
export interface PrimaryKeepalive {
  kind: 'keepalive';
  walEnd: Lsn;
  sendTime: number;
  replyRequested: boolean;
}

export type ReplicationMessage = XLogData | PrimaryKeepalive;

export function parseReplicationMessage(chunk: Buffer): ReplicationMessage {
  const tag = chunk[0];
  if (tag === 0x77 /* 'w' */ && chunk.length >= 25) {
    return {
      kind: 'xlog',
      walStart: chunk.readBigUInt64BE(1),
      walEnd: chunk.readBigUInt64BE(9),
      sendTime: readPgTimestampMs(chunk, 17),
      data: chunk.subarray(25),
    };
  }
  if (tag === 0x6b /* 'k' */ && chunk.length >= 18) {
    return {
      kind: 'keepalive',
      walEnd: chunk.readBigUInt64BE(1),
      sendTime: readPgTimestampMs(chunk, 9),
      replyRequested: chunk[17] === 1,
    };
  }
  throw new RangeError(`unexpected replication message (tag ${String(tag)}, ${chunk.length} bytes)`);
}

/**
 * Standby Status Update: Byte1('r'), Int64 written, Int64 flushed, Int64 applied (each the
 * last WAL byte + 1), Int64 client clock, Byte1 1 = please reply. For a logical slot the
 * flush position becomes the slot's confirmed_flush_lsn, so callers pass the last
 * ACKNOWLEDGED position for all three, never the last received one.
 */
export function standbyStatusUpdate(acknowledged: Lsn, nowMs: number, replyRequested = false): Buffer {
  const out = Buffer.alloc(34);
  out[0] = 0x72; // 'r'
  out.writeBigUInt64BE(acknowledged, 1);
  out.writeBigUInt64BE(acknowledged, 9);
  out.writeBigUInt64BE(acknowledged, 17);
  out.writeBigInt64BE(unixMsToPgMicros(nowMs), 25);
  out[33] = replyRequested ? 1 : 0;
  return out;
}

/** A frontend CopyData message (PostgreSQL docs, "Message Formats", CopyData: Byte1('d'), Int32 length, Byten). */
export function copyDataFrame(payload: Buffer): Buffer {
  const out = Buffer.alloc(5 + payload.length);
  out[0] = 0x64; // 'd'
  out.writeUInt32BE(4 + payload.length, 1);
  payload.copy(out, 5);
  return out;
}

/** A frontend CopyDone message: Byte1('c'), Int32(4). Ends CopyBoth from our side. */
export function copyDoneFrame(): Buffer {
  const out = Buffer.alloc(5);
  out[0] = 0x63; // 'c'
  out.writeUInt32BE(4, 1);
  return out;
}
