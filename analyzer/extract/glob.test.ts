import { describe, expect, it } from 'vitest';
import { expandBraces, globMatcher } from './glob.js';

describe('globMatcher', () => {
  it('matches **, *, ? and {a,b}', () => {
    const match = globMatcher(['src/**/*.{ts,js}', 'lib/?.ts']);
    expect(['src/a.ts', 'src/x/y/b.js', 'lib/a.ts'].map(match)).toEqual([true, true, true]);
    expect(['src/a.tsx', 'lib/ab.ts', 'other/src/a.ts', 'lib/x/a.ts'].map(match)).toEqual([false, false, false, false]);
  });

  it('matches a folder and everything inside it', () => {
    const match = globMatcher(['src/gen', 'vendor/**', './legacy/']);
    expect(['src/gen', 'src/gen/a.ts', 'vendor', 'vendor/x/y.js', 'legacy/old.js'].map(match)).toEqual([true, true, true, true, true]);
    expect(['src/generated/a.ts', 'src/a.ts'].map(match)).toEqual([false, false]);
  });

  it('matches a glob without a slash against names at any depth', () => {
    const match = globMatcher(['*.gen.ts', 'fixtures']);
    expect(['a.gen.ts', 'src/deep/b.gen.ts', 'src/fixtures/x.ts'].map(match)).toEqual([true, true, true]);
    expect(match('src/a.ts')).toBe(false);
  });

  it('matches whole paths only when exact (workspace globs)', () => {
    const match = globMatcher(['packages/*', 'apps'], { exact: true });
    expect(['packages/a', 'apps'].map(match)).toEqual([true, true]);
    expect(['packages/a/nested', 'x/apps', 'packages'].map(match)).toEqual([false, false, false]);
  });

  it('escapes regular expression characters and matches nothing without globs', () => {
    expect(globMatcher(['a+b/(c).ts'])('a+b/(c).ts')).toBe(true);
    expect(globMatcher(['a.ts'])('abts')).toBe(false);
    expect(globMatcher([])('anything')).toBe(false);
  });

  it('expands nested and unclosed braces', () => {
    expect(expandBraces('a{b,c{d,e}}f')).toEqual(['abf', 'acdf', 'acef']);
    expect(expandBraces('x{y')).toEqual(['x{y']);
    expect(expandBraces('{a,b}/{c,d}')).toEqual(['a/c', 'a/d', 'b/c', 'b/d']);
  });
});
