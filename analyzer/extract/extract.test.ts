import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractProject, type FileCollector } from './index.js';
import { globMatcher } from './glob.js';
import { countLoc } from './parse-imports.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function repo(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'strangler-extract-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('extractProject', () => {
  it('resolves relative, NodeNext .js, index, tsconfig paths/baseUrl through extends, require and import()', async () => {
    const root = repo({
      'tsconfig.base.json': JSON.stringify({
        compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'], '@db': ['src/db/index.ts'] } },
      }),
      'configs/tsconfig.shared.json': JSON.stringify({ extends: '../tsconfig.base.json', compilerOptions: { strict: true } }),
      'tsconfig.json': '{ "extends": "./configs/tsconfig.shared.json", /* comments are fine */ }',
      'src/db/index.ts': 'export const db = 1;\nexport interface Row { id: number }\n',
      'src/orders/service.ts': [
        "import { db } from '@db';",
        "import { Row } from '@db';",
        "import type { Money } from '../lib/money.js';",
        "import { format, parse } from '../lib/money.js';",
        "import * as util from 'src/lib/util';",
        "import express from 'express';",
        "import { readFile } from 'node:fs';",
        "const legacy = require('../legacy/tax');",
        "export async function load() { return import('./lazy'); }",
        "export { helper } from './helpers';",
        'export const x = [db, format, parse, util, express, readFile, legacy];',
      ].join('\n'),
      'src/orders/lazy.ts': 'export const lazy = 1;',
      'src/orders/helpers/index.ts': 'export const helper = 1;',
      'src/lib/money.ts': 'export type Money = number;\nexport const format = 1, parse = 2;',
      'src/lib/util.ts': 'export const u = 1;',
      'src/legacy/tax.js': 'module.exports = { rate: 19 };',
    });
    const result = await extractProject(root);
    expect(result.modules.map((m) => m.path)).toEqual([
      'src/db/index.ts',
      'src/legacy/tax.js',
      'src/lib/money.ts',
      'src/lib/util.ts',
      'src/orders/helpers/index.ts',
      'src/orders/lazy.ts',
      'src/orders/service.ts',
    ]);
    expect(result.edges).toEqual([
      { from: 'src/orders/service.ts', to: 'src/db/index.ts', weight: 2, typeOnly: false, dynamic: false },
      { from: 'src/orders/service.ts', to: 'src/legacy/tax.js', weight: 1, typeOnly: false, dynamic: false },
      { from: 'src/orders/service.ts', to: 'src/lib/money.ts', weight: 3, typeOnly: false, dynamic: false },
      { from: 'src/orders/service.ts', to: 'src/lib/util.ts', weight: 1, typeOnly: false, dynamic: false },
      { from: 'src/orders/service.ts', to: 'src/orders/helpers/index.ts', weight: 1, typeOnly: false, dynamic: false },
      { from: 'src/orders/service.ts', to: 'src/orders/lazy.ts', weight: 1, typeOnly: false, dynamic: true },
    ]);
    expect(result.externals).toEqual({ express: 1 });
    expect(result.unresolved).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('resolves packages of the repo (workspaces) through exports, subpath patterns and main, mapped back to source', async () => {
    const root = repo({
      'package.json': JSON.stringify({ name: 'monorepo', private: true, workspaces: ['packages/*'] }),
      'pnpm-workspace.yaml': 'packages:\n  - apps/*\n',
      'packages/money/package.json': JSON.stringify({
        name: '@acme/money',
        exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './format/*': { default: './dist/format/*.js' } },
      }),
      'packages/money/src/index.ts': 'export const cents = 1;',
      'packages/money/src/format/eur.ts': 'export const eur = 1;',
      'packages/legacy/package.json': JSON.stringify({ name: 'legacy-utils', main: 'lib/main.js' }),
      'packages/legacy/lib/main.js': 'module.exports = {};',
      'apps/api/package.json': JSON.stringify({ name: 'api', dependencies: { '@acme/money': 'workspace:*' } }),
      'apps/api/src/main.ts': [
        "import { cents } from '@acme/money';",
        "import { eur } from '@acme/money/format/eur';",
        "import legacy from 'legacy-utils';",
        "import { nope } from '@acme/money/not-exported';",
        "import lodash from 'lodash';",
        'export const all = [cents, eur, legacy, nope, lodash];',
      ].join('\n'),
    });
    const result = await extractProject(root);
    expect(result.edges.map((e) => e.to)).toEqual([
      'packages/legacy/lib/main.js',
      'packages/money/src/format/eur.ts',
      'packages/money/src/index.ts',
    ]);
    expect(result.unresolved).toEqual([{ from: 'apps/api/src/main.ts', specifier: '@acme/money/not-exported' }]);
    expect(result.externals).toEqual({ lodash: 1 });
  });

  it('flags type-only edges: `import type`, per-name `type`, and names the target exports only as types', async () => {
    const root = repo({
      'a.ts':
        "import type { A } from './types';\nimport { type B } from './types2';\nimport { C, D } from './types3';\nexport const x = 1;",
      'types.ts': 'export interface A { a: 1 }',
      'types2.ts': 'export type B = 1;',
      'types3.ts': 'interface C { c: 1 }\ntype D = 2;\nexport type { C, D };\nexport const runtime = 1;',
      'b.ts': "import { runtime, C } from './types3';\nexport const y = runtime;",
    });
    const { edges } = await extractProject(root);
    const flags = Object.fromEntries(edges.map((e) => [`${e.from}>${e.to}`, e.typeOnly]));
    expect(flags).toEqual({ 'a.ts>types.ts': true, 'a.ts>types2.ts': true, 'a.ts>types3.ts': true, 'b.ts>types3.ts': false });
  });

  it('keeps going past broken, binary, huge and unresolvable files, with a warning for each', async () => {
    const root = repo({
      'src/ok.ts':
        "import { gone } from './missing';\nimport '@app/nowhere';\nimport styles from './styles.css';\nexport const ok = [gone, styles];",
      'src/styles.css': 'body {}',
      'src/broken.ts': "import { ok } from './ok';\nexport const = ;\n",
      'src/blob.js': Buffer.from([0x63, 0x00, 0x01, 0x02]),
      'src/huge.js': `// ${'x'.repeat(2000)}\n`,
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@app/*': ['./src/*'] } } }),
    });
    const result = await extractProject(root, { maxFileBytes: 1000 });
    expect(result.modules.map((m) => m.path)).toEqual(['src/broken.ts', 'src/ok.ts']);
    expect(result.edges).toEqual([{ from: 'src/broken.ts', to: 'src/ok.ts', weight: 1, typeOnly: false, dynamic: false }]);
    expect(result.unresolved).toEqual([
      { from: 'src/ok.ts', specifier: './missing' },
      { from: 'src/ok.ts', specifier: '@app/nowhere' },
    ]);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['BINARY_FILE', 'src/blob.js'],
      ['PARSE_ERROR', 'src/broken.ts'],
      ['FILE_TOO_LARGE', 'src/huge.js'],
    ]);
    expect(result.warnings[1]?.message).toMatch(/line 2: /);
  });

  it('leaves out dependencies, build output, declarations and tests; honours include/exclude; survives symlink loops', async () => {
    const root = repo({
      'src/a.ts': 'export const a = 1;',
      'src/a.test.ts': 'import { a } from "./a";',
      'src/__tests__/b.ts': 'export {};',
      'src/types.d.ts': 'declare const x: number;',
      'src/gen/big.ts': 'export {};',
      'node_modules/pkg/index.js': 'module.exports = 1;',
      'dist/a.js': 'exports.a = 1;',
      'tools/script.mjs': 'export {};',
    });
    symlinkSync(join(root, 'src'), join(root, 'src', 'loop'));
    const result = await extractProject(root, { exclude: ['src/gen/**'] });
    expect(result.modules.map((m) => m.path)).toEqual(['src/a.ts', 'tools/script.mjs']);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'SYMLINK_LOOP', path: 'src/loop' })]);
    const withTests = await extractProject(root, { includeTests: true, include: ['src/**'] });
    expect(withTests.modules.map((m) => m.path)).toEqual(['src/__tests__/b.ts', 'src/a.test.ts', 'src/a.ts', 'src/gen/big.ts']);
  });

  it('explains a missing directory and a directory without sources', async () => {
    await expect(extractProject(join(tmpdir(), 'strangler-no-such-dir'))).rejects.toMatchObject({ code: 'ANALYZE_NO_DIRECTORY' });
    await expect(extractProject(repo({ 'README.md': '# hi' }))).rejects.toMatchObject({ code: 'ANALYZE_NO_SOURCES' });
  });

  it('lets collectors see every parsed file and resolve imports, and survives a failing collector', async () => {
    const root = repo({ 'a.ts': "import { b } from './b';\nexport const a = b;", 'b.ts': 'export const b = 1;' });
    const seen: string[] = [];
    let resolved: string | undefined;
    const good: FileCollector = {
      visit: (file) => seen.push(`${file.path}:${file.sourceFile.statements.length}`),
      finish: (context) => {
        resolved = context.resolveImport('a.ts', './b');
      },
    };
    const bad: FileCollector = {
      visit: () => {
        throw new Error('boom');
      },
      finish: () => undefined,
    };
    const result = await extractProject(root, {}, [good, bad]);
    expect(seen).toEqual(['a.ts:2', 'b.ts:1']);
    expect(resolved).toBe('b.ts');
    expect(result.warnings.filter((w) => w.code === 'COLLECTOR_ERROR')).toHaveLength(2);
  });

  it('reads the sample monolith: aliases through extends, CommonJS forms, cycles, dynamic imports, no unresolved import', async () => {
    const result = await extractProject(resolve(import.meta.dirname, '..', '..', 'fixtures', 'shop-monolith'));
    expect(result.modules.length).toBeGreaterThanOrEqual(80);
    expect(result.unresolved).toEqual([]);
    expect(result.externals).toEqual({ express: 18, pg: 4 });
    const has = (from: string, to: string): boolean => result.edges.some((e) => e.from === from && e.to === to);
    expect(has('src/catalog/category.repository.ts', 'src/db/index.ts')).toBe(true);
    expect(has('src/app.ts', 'src/notifications/notifications.routes.ts')).toBe(true);
    expect(has('src/cart/cart.pricing.ts', 'src/legacy/coupon-calculator.js')).toBe(true);
    expect(
      has('src/orders/order.service.ts', 'src/payments/payments.service.ts') &&
        has('src/payments/payments.service.ts', 'src/orders/order.repository.ts'),
    ).toBe(true);
    expect(result.edges.filter((e) => e.dynamic).map((e) => e.to)).toEqual([
      'src/admin/csv-exporter.ts',
      'src/notifications/notification.service.ts',
      'src/payments/payments.service.ts',
    ]);
    expect(result.edges.find((e) => e.from === 'src/middleware/auth.ts' && e.to === 'src/lib/types.ts')?.typeOnly).toBe(true);
  });
});

describe('helpers', () => {
  it('matches globs', () => {
    const match = globMatcher(['src/**/*.{ts,js}', 'lib/?.ts']);
    expect(['src/a.ts', 'src/x/y/b.js', 'lib/a.ts'].map(match)).toEqual([true, true, true]);
    expect(['src/a.tsx', 'lib/ab.ts', 'other/src/a.ts'].map(match)).toEqual([false, false, false]);
  });

  it('counts lines of code without blanks and comments', () => {
    expect(countLoc('// c\nconst a = 1;\n\n/* block\n still */\nconst b = 2; // trailing\n/* x */ const c = 3;\n')).toBe(3);
  });
});
