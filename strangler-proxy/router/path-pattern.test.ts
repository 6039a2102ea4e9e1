import { describe, expect, it } from 'vitest';
import { compilePathPattern, hasDotSegment, hasPathPrefix, matchSegments, splitPath } from './path-pattern.js';

const matches = (pattern: string, path: string): boolean => matchSegments(compilePathPattern(pattern), splitPath(path));

describe('path patterns (per segment)', () => {
  it.each([
    ['/api', '/api', true],
    ['/api', '/api/', true],
    ['/api', '/apiary', false],
    ['/api', '/api/x', false],
    ['/api/**', '/api', true],
    ['/api/**', '/api/x/y/z', true],
    ['/api/**', '/apiary', false],
    ['/api/**', '/apiary/x', false],
    ['/api/catalog/**', '/api/catalogue', false],
    ['/products/:id', '/products/42', true],
    ['/products/:id', '/products', false],
    ['/products/:id', '/products/42/reviews', false],
    ['/products/:id', '/products//', false],
    ['/products/*/reviews', '/products/42/reviews', true],
    ['/products/*/reviews', '/products/reviews', false],
    ['/', '/', true],
    ['/', '/x', false],
    ['/**', '/', true],
    ['/**', '/anything/at/all', true],
    ['/a//b', '/a//b', true],
    ['/a/b', '/a//b', false],
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });

  it('captures params', () => {
    const params: Record<string, string> = {};
    expect(matchSegments(compilePathPattern('/users/:user/orders/:order'), splitPath('/users/7/orders/9'), params)).toBe(true);
    expect(params).toEqual({ user: '7', order: '9' });
  });

  it('knows path prefixes by segment', () => {
    expect(hasPathPrefix('/api/x', '/api')).toBe(true);
    expect(hasPathPrefix('/api', '/api')).toBe(true);
    expect(hasPathPrefix('/apiary', '/api')).toBe(false);
  });

  it.each([
    ['/a/../b', true],
    ['/a/./b', true],
    ['/a/%2e%2e/b', true],
    ['/a/%2E/b', true],
    ['/a/.%2e/b', true],
    ['/a/..b/c', false],
    ['/a/b.c', false],
  ])('dot segment in %s → %s', (path, expected) => {
    expect(hasDotSegment(path)).toBe(expected);
  });
});
