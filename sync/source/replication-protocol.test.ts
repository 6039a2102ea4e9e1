import { describe, expect, it } from 'vitest';
import {
  copyDataFrame,
  parseReplicationMessage,
  readPgTimestampMs,
  standbyStatusUpdate,
  unixMsToPgMicros,
} from './replication-protocol.js';

/** The reference: a PostgreSQL timestamp (int64 µs since 2000-01-01) as Unix ms, in BigInt. */
const pgMicrosToUnixMs = (micros: bigint): number => Number((micros + 946_684_800_000_000n) / 1000n);

/** readPgTimestampMs of these microseconds, written as PostgreSQL sends them. */
const read = (micros: bigint): number => {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(micros);
  return readPgTimestampMs(buffer, 0);
};

describe('replication protocol messages', () => {
  it('converts between the PostgreSQL epoch (2000-01-01) and Unix time', () => {
    expect(read(0n)).toBe(Date.UTC(2000, 0, 1));
    const ms = Date.UTC(2026, 11, 1, 6, 0, 0, 123);
    expect(read(unixMsToPgMicros(ms))).toBe(ms);
  });

  it('reads a timestamp without BigInt exactly as the BigInt conversion does, before and after both epochs', () => {
    const samples = [
      0n,
      1n,
      -1n,
      999n,
      -999n,
      1_000n,
      -1_001n,
      849_398_400_123_456n,
      -946_684_800_000_001n,
      -1_000_000_000_000_000n,
      8_000_000_000_000_000n,
    ];
    let seed = 7;
    for (let i = 0; i < 2_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      samples.push(BigInt(seed - 1_073_741_824) * 1_234_567n + BigInt(seed % 1000));
    }
    for (const micros of samples) expect(read(micros), String(micros)).toBe(pgMicrosToUnixMs(micros));
  });

  it('parses XLogData with its positions and payload', () => {
    const chunk = Buffer.alloc(25 + 3);
    chunk[0] = 0x77;
    chunk.writeBigUInt64BE(0x10n, 1);
    chunk.writeBigUInt64BE(0x20n, 9);
    chunk.writeBigInt64BE(unixMsToPgMicros(1_000), 17);
    Buffer.from('BCD').copy(chunk, 25);
    const message = parseReplicationMessage(chunk);
    expect(message).toMatchObject({ kind: 'xlog', walStart: 0x10n, walEnd: 0x20n, sendTime: 1_000 });
    expect(message.kind === 'xlog' && message.data.toString()).toBe('BCD');
  });

  it('parses a primary keepalive and its reply-requested flag', () => {
    const chunk = Buffer.alloc(18);
    chunk[0] = 0x6b;
    chunk.writeBigUInt64BE(0xabcdn, 1);
    chunk.writeBigInt64BE(unixMsToPgMicros(5_000), 9);
    chunk[17] = 1;
    expect(parseReplicationMessage(chunk)).toEqual({ kind: 'keepalive', walEnd: 0xabcdn, sendTime: 5_000, replyRequested: true });
    chunk[17] = 0;
    expect(parseReplicationMessage(chunk)).toMatchObject({ replyRequested: false });
  });

  it('rejects unknown and short messages', () => {
    expect(() => parseReplicationMessage(Buffer.from([0x6b, 1, 2]))).toThrow(RangeError);
    expect(() => parseReplicationMessage(Buffer.from('x'))).toThrow(RangeError);
  });

  it('writes a standby status update with the acknowledged position in all three fields', () => {
    const update = standbyStatusUpdate(0x1_0000_0042n, 2_000, true);
    expect(update.length).toBe(34);
    expect(String.fromCharCode(update[0] ?? 0)).toBe('r');
    expect([update.readBigUInt64BE(1), update.readBigUInt64BE(9), update.readBigUInt64BE(17)]).toEqual([
      0x1_0000_0042n,
      0x1_0000_0042n,
      0x1_0000_0042n,
    ]);
    expect(readPgTimestampMs(update, 25)).toBe(2_000);
    expect(update[33]).toBe(1);
  });

  it('frames CopyData for the frontend', () => {
    const frame = copyDataFrame(Buffer.from('abc'));
    expect([...frame]).toEqual([0x64, 0, 0, 0, 7, 0x61, 0x62, 0x63]);
  });
});
