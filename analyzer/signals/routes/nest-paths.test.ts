import { describe, expect, it } from 'vitest';
import { excludePattern } from './nest-paths.js';

describe('excludePattern', () => {
  it('reads literal paths, params and the wildcard forms of path-to-regexp 0.x and 8.x', () => {
    const matches = (pattern: string, path: string): boolean => excludePattern(pattern)?.test(path) ?? false;
    expect(matches('sitemap.xml', '/sitemap.xml')).toBe(true);
    expect(matches('sitemap.xml', '/sitemapxxml')).toBe(false);
    expect(matches('/users/:id', '/users/42')).toBe(true);
    expect(matches('/users/:id', '/users/42/posts')).toBe(false);
    expect(matches('en{/*wildcard}', '/en')).toBe(true);
    expect(matches('en{/*wildcard}', '/en/about/team')).toBe(true);
    expect(matches('en{/*wildcard}', '/english')).toBe(false);
    expect(matches('admin/(.*)', '/admin/queues')).toBe(true);
    expect(matches('files/*path', '/files/a/b')).toBe(true);
  });

  it('gives up on syntax it does not know', () => {
    expect(excludePattern('a{b}c')).toBeUndefined();
  });
});
