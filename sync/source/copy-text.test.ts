import { describe, expect, it } from 'vitest';
import { CopyTextParser, countCopyRows, lastCopyRow, unescapeCopyField } from './copy-text.js';

describe('COPY text format', () => {
  it('splits rows and columns, with \\N as NULL and an empty string kept', () => {
    const parser = new CopyTextParser();
    expect(parser.push(Buffer.from('1\tabc\t\\N\n2\t\t3.50\n'))).toEqual([
      ['1', 'abc', null],
      ['2', '', '3.50'],
    ]);
    parser.end();
  });

  it('resolves backslash escapes', () => {
    expect(unescapeCopyField('a\\tb\\nc\\\\d\\re')).toBe('a\tb\nc\\d\re');
    expect(unescapeCopyField('\\b\\f\\v')).toBe('\b\f\v');
    expect(unescapeCopyField('\\101\\x42')).toBe('AB');
    expect(unescapeCopyField('\\303\\251')).toBe('é');
    expect(unescapeCopyField('\\\\x00ff')).toBe('\\x00ff');
  });

  it('joins rows split across chunks, even inside a multi-byte character', () => {
    const text = Buffer.from('1\tünï😀\n2\t{"a": "b"}\n');
    const parser = new CopyTextParser();
    const rows = [];
    for (let i = 0; i < text.length; i += 3) rows.push(...parser.push(text.subarray(i, i + 3)));
    parser.end();
    expect(rows).toEqual([
      ['1', 'ünï😀'],
      ['2', '{"a": "b"}'],
    ]);
  });

  it('complains when the input stops inside a row', () => {
    const parser = new CopyTextParser();
    parser.push(Buffer.from('1\tab'));
    expect(() => parser.end()).toThrow(/ended inside a row/);
  });

  it('counts rows and reads only the last one, wherever the chunks split it', () => {
    const text = Buffer.from('1\ta\\nb\n22\t\\N\n333\tlast\\tone é\n');
    expect(countCopyRows([text])).toBe(3);
    expect(lastCopyRow([text])).toEqual(['333', 'last\tone é']);
    for (let size = 1; size <= text.length; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
      expect(countCopyRows(chunks)).toBe(3);
      expect(lastCopyRow(chunks)).toEqual(['333', 'last\tone é']);
    }
    expect(lastCopyRow([Buffer.from('7\t\\N\n')])).toEqual(['7', null]);
    expect(lastCopyRow([])).toBeUndefined();
    expect(countCopyRows([])).toBe(0);
  });
});
