import { describe, expect, it } from 'vitest';
import { CopyBothReader } from './copy-both-reader.js';

const frame = (type: string, body: Buffer | string): Buffer => {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(4 + payload.length, 1);
  return Buffer.concat([head, payload]);
};

/** Runs the bytes through a reader in pieces of `size` and returns what went where. */
function read(bytes: Buffer, size: number): { forwarded: Buffer; copied: string[] } {
  const forwarded: Buffer[] = [];
  const copied: string[] = [];
  const reader = new CopyBothReader(
    (part) => forwarded.push(Buffer.from(part)),
    (payload) => copied.push(payload.toString()),
  );
  for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
  return { forwarded: Buffer.concat(forwarded), copied };
}

describe('CopyBothReader', () => {
  const before = Buffer.concat([frame('W', Buffer.from([0, 0, 0])), Buffer.alloc(0)]);
  const copy = [frame('d', 'w-one'), frame('d', ''), frame('d', 'x'.repeat(70_000)), frame('d', 'k-two')];
  const after = Buffer.concat([frame('c', ''), frame('C', 'START_REPLICATION\0'), frame('Z', 'I')]);
  const stream = Buffer.concat([before, ...copy, after]);

  it('hands CopyData bodies to the decoder and everything around the copy to pg, however the bytes are split', () => {
    for (const size of [1, 2, 3, 4, 5, 6, 7, 13, 64, 1000, 65_536, stream.length]) {
      const { forwarded, copied } = read(stream, size);
      expect(copied, `pieces of ${size}`).toEqual(['w-one', '', 'x'.repeat(70_000), 'k-two']);
      expect(forwarded.equals(Buffer.concat([before, after])), `pieces of ${size}`).toBe(true);
    }
  });

  it('passes an error before the copy, and anything after a non-CopyData frame, to pg untouched', () => {
    const refused = Buffer.concat([frame('E', 'SERROR\0C55006\0Mslot is active\0\0'), frame('Z', 'I')]);
    expect(read(refused, 3)).toEqual({ forwarded: refused, copied: [] });
    const failedMidway = Buffer.concat([before, frame('d', 'a'), frame('E', 'SFATAL\0\0'), frame('d', 'ignored')]);
    const { forwarded, copied } = read(failedMidway, 4);
    expect(copied).toEqual(['a']);
    expect(forwarded.equals(Buffer.concat([before, frame('E', 'SFATAL\0\0'), frame('d', 'ignored')]))).toBe(true);
  });

  it('gives up framing on a length below 4 and lets pg report the broken stream', () => {
    const broken = Buffer.concat([before, frame('d', 'a'), Buffer.from([0x64, 0, 0, 0, 1, 9, 9])]);
    const { forwarded, copied } = read(broken, broken.length);
    expect(copied).toEqual(['a']);
    expect(forwarded.equals(Buffer.concat([before, Buffer.from([0x64, 0, 0, 0, 1, 9, 9])]))).toBe(true);
  });
});
