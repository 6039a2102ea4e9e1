import { describe, expect, it } from 'vitest';
import { formatLocation, parseJsonPath, pathMatches, type JsonPath } from './json-path.js';

function path(source: string): JsonPath {
  const parsed = parseJsonPath(source);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('ignore paths (JSONPath subset)', () => {
  it('matches members, indexes and wildcards exactly', () => {
    expect(pathMatches(path('$.generatedAt'), ['generatedAt'])).toBe(true);
    expect(pathMatches(path('$.generatedAt'), ['meta', 'generatedAt'])).toBe(false);
    expect(pathMatches(path('$.meta.generatedAt'), ['meta', 'generatedAt'])).toBe(true);
    expect(pathMatches(path('$.items[1].id'), ['items', 1, 'id'])).toBe(true);
    expect(pathMatches(path('$.items[1].id'), ['items', 0, 'id'])).toBe(false);
    expect(pathMatches(path('$.items[*].id'), ['items', 7, 'id'])).toBe(true);
    expect(pathMatches(path('$.*.id'), ['anything', 'id'])).toBe(true);
    expect(pathMatches(path("$['odd key'].x"), ['odd key', 'x'])).toBe(true);
    expect(pathMatches(path('$["a-b"]'), ['a-b'])).toBe(true);
  });

  it('matches descendants at any depth', () => {
    const deep = path('$..etag');
    expect(pathMatches(deep, ['etag'])).toBe(true);
    expect(pathMatches(deep, ['items', 3, 'meta', 'etag'])).toBe(true);
    expect(pathMatches(deep, ['items', 3, 'meta', 'etag', 'x'])).toBe(false);
    expect(pathMatches(path('$.items..id'), ['items', 2, 'id'])).toBe(true);
    expect(pathMatches(path('$.items..id'), ['other', 2, 'id'])).toBe(false);
  });

  it('refuses what it does not support, saying what to use', () => {
    expect(parseJsonPath('generatedAt')).toMatch(/must start with \$/);
    expect(parseJsonPath('$.items[?(@.x)]')).toMatch(/unsupported selector/);
    expect(parseJsonPath('$.items[0')).toMatch(/unclosed/);
    expect(parseJsonPath('$/a')).toMatch(/unexpected "\/"/);
  });

  it('formats locations as paths', () => {
    expect(formatLocation([])).toBe('$');
    expect(formatLocation(['items', 2, 'price'])).toBe('$.items[2].price');
    expect(formatLocation(['odd key'])).toBe('$["odd key"]');
  });
});
