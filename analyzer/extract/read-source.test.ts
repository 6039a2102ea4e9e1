import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSource, readSource, readSourceAsync } from './read-source.js';

const root = mkdtempSync(join(tmpdir(), 'strangler-read-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('decodeSource', () => {
  it('reads UTF-8 with or without a byte order mark, and UTF-16 LE/BE', () => {
    expect(decodeSource(Buffer.from('const a = 1;'))).toBe('const a = 1;');
    expect(decodeSource(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ok')]))).toBe('ok');
    expect(decodeSource(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hé', 'utf16le')]))).toBe('hé');
    expect(decodeSource(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('hé', 'utf16le').swap16()]))).toBe('hé');
  });

  it('calls content with a NUL byte in the first 8 KB binary', () => {
    expect(decodeSource(Buffer.from([0x61, 0x00, 0x62]))).toBeUndefined();
    expect(decodeSource(Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0])]))).toBeDefined();
  });
});

describe('readSource', () => {
  writeFileSync(join(root, 'a.ts'), 'export const a = 1;');
  writeFileSync(join(root, 'big.js'), 'x'.repeat(2048));
  writeFileSync(join(root, 'bin.js'), Buffer.from([0, 1, 2]));

  it.each([
    ['sync', readSource],
    ['async', readSourceAsync],
  ] as const)('reads text or explains why not (%s)', async (_name, read) => {
    expect(await read(root, 'a.ts', 1024)).toEqual({ text: 'export const a = 1;' });
    expect((await read(root, 'big.js', 1024)).warning).toMatchObject({
      code: 'FILE_TOO_LARGE',
      path: 'big.js',
      message: expect.stringMatching(/2 KB, over the 1 KB limit/),
    });
    expect((await read(root, 'bin.js', 1024)).warning).toMatchObject({ code: 'BINARY_FILE', path: 'bin.js' });
    expect((await read(root, 'gone.ts', 1024)).warning).toMatchObject({ code: 'UNREADABLE', path: 'gone.ts' });
  });
});
