import { describe, expect, it } from 'vitest';
import { slabAlloc, slabCopy } from './slab.js';

describe('buffers cut from slabs', () => {
  it('gives copies that later writes to the source or to other copies never change', () => {
    const source = Buffer.alloc(1000);
    const copies = Array.from({ length: 300 }, (_, index) => {
      source.fill(index % 256);
      return slabCopy(source);
    });
    source.fill(0xff);
    // 300 KB of copies: several slabs, each copy still holding what it was made from.
    copies.forEach((copy, index) => {
      expect(copy.length).toBe(1000);
      expect(copy.every((byte) => byte === index % 256)).toBe(true);
    });
    expect(new Set(copies.map((copy) => copy.buffer)).size).toBeGreaterThan(3);
  });

  it('never hands out overlapping memory, and aligns every cut to 8 bytes', () => {
    const cuts = [1, 7, 8, 9, 100, 8192, 3, 4096, 5000, 12].flatMap((length) => [slabAlloc(length), slabAlloc(length)]);
    for (const cut of cuts) expect(cut.byteOffset % 8).toBe(0);
    for (let a = 0; a < cuts.length; a++) {
      for (let b = a + 1; b < cuts.length; b++) {
        const [x, y] = [cuts[a] as Buffer, cuts[b] as Buffer];
        if (x.buffer !== y.buffer) continue;
        const apart = x.byteOffset + x.length <= y.byteOffset || y.byteOffset + y.length <= x.byteOffset;
        expect(apart).toBe(true);
      }
    }
  });

  it('gives a large buffer memory of its own', () => {
    const large = slabAlloc(20_000);
    expect(large.length).toBe(20_000);
    expect(large.buffer.byteLength).toBeGreaterThanOrEqual(20_000);
    expect(slabAlloc(10).buffer).not.toBe(large.buffer);
    expect(slabCopy(new Uint8Array(0)).length).toBe(0);
  });
});
