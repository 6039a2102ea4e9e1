import { describe, expect, it } from 'vitest';
import { joinPaths, joinRegex } from './route-paths.js';

describe('joinPaths', () => {
  it('joins with single slashes, drops the trailing slash and keeps :params', () => {
    expect(joinPaths('/api/', '/orders/', ':id')).toBe('/api/orders/:id');
    expect(joinPaths('api', '', 'orders')).toBe('/api/orders');
    expect(joinPaths('//api//v1/', '/')).toBe('/api/v1');
  });

  it('gives the root for nothing', () => {
    expect(joinPaths()).toBe('/');
    expect(joinPaths('', '/')).toBe('/');
  });

  it('keeps a regex route verbatim behind its prefix, marked', () => {
    expect(joinRegex('/api', '/^\\/v\\d+$/i')).toBe('/api/regex:/^\\/v\\d+$/i');
    expect(joinRegex('', '/ab+cd/')).toBe('/regex:/ab+cd/');
  });
});
