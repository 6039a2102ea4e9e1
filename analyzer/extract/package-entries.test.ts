import { describe, expect, it } from 'vitest';
import { conditionTargets, mapLookup, packageTargets, sourceCandidates } from './package-entries.js';

describe('package exports', () => {
  it('lists every target of nested conditions, source conditions first', () => {
    expect(conditionTargets('./a.js')).toEqual(['./a.js']);
    expect(
      conditionTargets({
        import: { types: './esm/index.d.ts', default: './esm/index.js' },
        require: './cjs/index.cjs',
        source: './src/index.ts',
      }),
    ).toEqual(['./src/index.ts', './esm/index.d.ts', './esm/index.js', './cjs/index.cjs']);
    expect(conditionTargets(['./a.js', { node: './b.js' }])).toEqual(['./a.js', './b.js']);
    expect(conditionTargets(null)).toEqual([]);
  });

  it('looks subpaths up exactly, then by the most specific pattern, with null blocking', () => {
    const map = {
      '.': './dist/index.js',
      './utils/*': './dist/utils/*.js',
      './utils/private/*': null,
      './utils/special/*.js': './dist/special/*.js',
      './legacy/': './lib/',
    };
    expect(mapLookup(map, '.')).toEqual(['./dist/index.js']);
    expect(mapLookup(map, './utils/a/b')).toEqual(['./dist/utils/a/b.js']);
    expect(mapLookup(map, './utils/private/x')).toEqual([]);
    expect(mapLookup(map, './utils/special/y.js')).toEqual(['./dist/special/y.js']);
    expect(mapLookup(map, './legacy/old.js')).toEqual(['./lib/old.js']);
    expect(mapLookup(map, './nothing')).toBeUndefined();
    expect(mapLookup({ '#db/*': { node: './src/db/*.js' } }, '#db/pool')).toEqual(['./src/db/pool.js']);
  });

  it('reads exports as a subpath map, a single target, or falls back to main/module/types', () => {
    expect(packageTargets({ exports: { '.': './a.js', './b': './b.js' }, entries: [] }, './b')).toEqual(['./b.js']);
    expect(packageTargets({ exports: { '.': './a.js' }, entries: ['main.js'] }, './c')).toBeUndefined();
    expect(packageTargets({ exports: { import: './esm.js', require: './cjs.js' }, entries: [] }, '.')).toEqual(['./esm.js', './cjs.js']);
    expect(packageTargets({ exports: './only.js', entries: [] }, './sub')).toBeUndefined();
    expect(packageTargets({ exports: undefined, entries: ['./dist/m.js', 'index.js'] }, '.')).toEqual(['./dist/m.js', 'index.js', 'index']);
    expect(packageTargets({ exports: undefined, entries: [] }, './deep/file')).toEqual(['./deep/file']);
  });
});

describe('sourceCandidates', () => {
  it('maps build output back to source: the path itself, without .d.ts, tsconfig outDir -> rootDir, then src/dist conventions', () => {
    expect(sourceCandidates('packages/money', './dist/index.d.ts', [])).toEqual([
      'packages/money/dist/index.d.ts',
      'packages/money/dist/index',
      'packages/money/src/index',
      'packages/money/index',
    ]);
    expect(
      sourceCandidates('packages/billing', './compiled/main.js', [
        { outDir: 'packages/billing/compiled', rootDir: 'packages/billing/source' },
      ]),
    ).toEqual(['packages/billing/compiled/main.js', 'packages/billing/source/main.js']);
    expect(sourceCandidates('', './dist/esm/format/eur.js', [])).toEqual(['dist/esm/format/eur.js', 'src/format/eur.js', 'format/eur.js']);
    expect(sourceCandidates('pkg', 'index.js', [])).toEqual(['pkg/index.js']);
  });
});
