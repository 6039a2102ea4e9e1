import { describe, expect, it } from 'vitest';
import { compareExact, compareHeaders, compareJson, compareResponses, type CapturedResponse, type CompareSettings } from './compare.js';
import { parseJsonPath, type JsonPath } from './json-path.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function paths(...sources: string[]): JsonPath[] {
  return sources.map((source) => {
    const parsed = parseJsonPath(source);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
  });
}

const settings = (extra: Partial<CompareSettings> = {}): CompareSettings => ({
  status: true,
  headers: [],
  body: 'json',
  ignore: [],
  ...extra,
});
const answer = (status: number, body: Buffer | undefined, headers: CapturedResponse['headers'] = {}): CapturedResponse => ({
  status,
  headers,
  body,
});

describe('json comparison', () => {
  it('ignores key order and whitespace', () => {
    expect(compareJson(Buffer.from('{"a":1,"b":{"c":[1,2]}}'), Buffer.from('{ "b": { "c": [1, 2] }, "a": 1 }'), [])).toEqual([]);
  });

  it('names the field that differs, with both values', () => {
    const diff = compareJson(json({ id: 7, price: 10, tags: ['a'] }), json({ id: 7, price: 12, tags: ['a'] }), []);
    expect(diff).toEqual(['$.price: primary 10, shadow 12']);
  });

  it('reports members only on one side and array length differences', () => {
    const diff = compareJson(json({ a: 1, items: [{ id: 1 }, { id: 2 }] }), json({ b: 1, items: [{ id: 1 }] }), []);
    expect(diff).toEqual(['$.a: only in primary (1)', '$.b: only in shadow (1)', '$.items[1]: primary {"id":2}, shadow (absent)']);
  });

  it('treats type changes as differences (1 vs "1", null vs absent)', () => {
    expect(compareJson(json({ n: 1 }), json({ n: '1' }), [])).toEqual(['$.n: primary 1, shadow "1"']);
    expect(compareJson(json({ n: null }), json({}), [])).toEqual(['$.n: only in primary (null)']);
  });

  it('skips ignored paths, including missing members and wildcards', () => {
    const primary = json({
      generatedAt: '2026-01-01',
      items: [
        { id: 1, at: 'x' },
        { id: 2, at: 'y' },
      ],
      meta: { etag: 'a' },
    });
    const shadow = json({
      generatedAt: '2026-02-02',
      items: [
        { id: 1, at: 'z' },
        { id: 2, at: 'w' },
      ],
      meta: {},
    });
    expect(compareJson(primary, shadow, [])).toHaveLength(4);
    expect(compareJson(primary, shadow, paths('$.generatedAt', '$.items[*].at', '$..etag'))).toEqual([]);
    expect(compareJson(primary, shadow, paths('$.generatedAt', '$.items[*].at'))).toEqual(['$.meta.etag: only in primary ("a")']);
  });

  it('falls back to bytes for non-JSON bodies and says which side is not JSON', () => {
    expect(compareJson(Buffer.from('plain'), Buffer.from('plain'), [])).toEqual([]);
    const diff = compareJson(Buffer.from('{"a":1}'), Buffer.from('<html>'), []);
    expect(diff[0]).toBe('body: the shadow body is not JSON');
    expect(diff[1]).toMatch(/^body differs at byte 0/);
  });

  it('caps the diff lines and counts the rest', () => {
    const a: Record<string, number> = {};
    const b: Record<string, number> = {};
    for (let index = 0; index < 12; index++) {
      a[`k${index}`] = index;
      b[`k${index}`] = index + 1;
    }
    const diff = compareJson(json(a), json(b), []);
    expect(diff).toHaveLength(6);
    expect(diff[5]).toBe('… and 7 more differences');
  });
});

describe('exact comparison', () => {
  it('points at the first differing byte', () => {
    expect(compareExact(Buffer.from('same'), Buffer.from('same'))).toEqual([]);
    const [line] = compareExact(Buffer.from('hello world'), Buffer.from('hello there'));
    expect(line).toMatch(/^body differs at byte 6 \(lengths 11 and 11\): primary "hello world", shadow "hello there"$/);
    expect(compareExact(Buffer.from('abc'), Buffer.from('abcd'))[0]).toMatch(/at byte 3 \(lengths 3 and 4\)/);
  });
});

describe('header comparison', () => {
  it('compares only the listed headers, case-insensitively configured, joining repeated values', () => {
    expect(
      compareHeaders(
        ['content-type'],
        { 'content-type': 'application/json', date: 'x' },
        { 'content-type': 'application/json', date: 'y' },
      ),
    ).toEqual([]);
    expect(compareHeaders(['vary'], { vary: ['a', 'b'] }, { vary: 'a, b' })).toEqual([]);
    expect(compareHeaders(['etag'], { etag: '"1"' }, {})).toEqual(['header etag: primary "\\"1\\"", shadow (absent)']);
  });

  it('never shows values of credential headers', () => {
    const diff = compareHeaders(
      ['set-cookie', 'authorization'],
      { 'set-cookie': 'sid=secret1', authorization: 'Bearer a' },
      { 'set-cookie': 'sid=secret2', authorization: 'Bearer b' },
    );
    expect(diff).toEqual(['header set-cookie: values differ (redacted)', 'header authorization: values differ (redacted)']);
    expect(diff.join(' ')).not.toMatch(/secret|Bearer/);
  });
});

describe('whole responses', () => {
  it('collects every reason: status, headers, body', () => {
    const result = compareResponses(
      settings({ headers: ['x-v'] }),
      answer(200, json({ a: 1 }), { 'x-v': '1' }),
      answer(404, json({ a: 2 }), { 'x-v': '2' }),
    );
    expect(result.reasons).toEqual(['status', 'headers', 'body']);
    expect(result.diff).toEqual(['status: primary 200, shadow 404', 'header x-v: primary "1", shadow "2"', '$.a: primary 1, shadow 2']);
    expect(result.tooLarge).toBe(false);
  });

  it('does not compare status when told not to, nor bodies with body: none', () => {
    expect(compareResponses(settings({ status: false, body: 'none' }), answer(200, json(1)), answer(500, json(2))).reasons).toEqual([]);
  });

  it('marks a too-large body instead of matching it, unless something else already differs', () => {
    expect(compareResponses(settings(), answer(200, undefined), answer(200, json(1)))).toEqual({ reasons: [], diff: [], tooLarge: true });
    const differs = compareResponses(settings(), answer(200, undefined), answer(503, json(1)));
    expect(differs.reasons).toEqual(['status']);
    expect(differs.tooLarge).toBe(false);
  });

  it('exact mode sees key order', () => {
    const result = compareResponses(
      settings({ body: 'exact' }),
      answer(200, Buffer.from('{"a":1,"b":2}')),
      answer(200, Buffer.from('{"b":2,"a":1}')),
    );
    expect(result.reasons).toEqual(['body']);
  });
});
