import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportEdge } from '../model.js';
import { extractProject, type ExtractProgress, type FileCollector } from './index.js';

const FIXTURES = resolve(import.meta.dirname, '__fixtures__');
const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A private copy of a fixture repository, plus files git cannot hold. */
function fixture(name: string, extra: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(join(tmpdir(), `strangler-extract-${name}-`));
  copies.push(root);
  cpSync(join(FIXTURES, name), root, { recursive: true });
  for (const [path, content] of Object.entries(extra)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Edges as short strings: `from -> to w<weight> [type] [dynamic]`. */
const show = (edges: readonly ImportEdge[]): string[] =>
  edges.map((e) => `${e.from} -> ${e.to} w${e.weight}${e.typeOnly ? ' type' : ''}${e.dynamic ? ' dynamic' : ''}`);

describe('extractProject on fixture repositories', () => {
  it('resolves tsconfig paths, baseUrl and an extends chain through a package of the repo; nearest config wins; outDir left out', async () => {
    const result = await extractProject(fixture('aliases'));
    expect(result.modules.map((m) => m.path)).toEqual([
      'src/app.js',
      'src/db/index.js',
      'src/lib/util.js',
      'src/orders/service.js',
      'src/shared/v1/legacy.js',
      'src/shared/v1/money.js',
      'src/shared/v2/money.js',
      'tools/cli.js',
      'tools/lib/run.js',
    ]);
    expect(show(result.edges)).toEqual([
      'src/app.js -> src/db/index.js w1',
      'src/app.js -> src/orders/service.js w1',
      'src/orders/service.js -> src/db/index.js w1',
      'src/orders/service.js -> src/lib/util.js w1',
      'src/orders/service.js -> src/shared/v1/legacy.js w1',
      'src/orders/service.js -> src/shared/v2/money.js w1',
      'tools/cli.js -> tools/lib/run.js w1',
    ]);
    expect(result.unresolved).toEqual([{ from: 'src/orders/service.js', specifier: '@app/missing.js' }]);
    expect(result.externals).toEqual({ express: 1 });
    expect(result.warnings).toEqual([]);
  });

  it('reads NodeNext TypeScript: .js specifiers, index and main folders, CommonJS forms, dynamic and type-only imports, weights', async () => {
    const result = await extractProject(fixture('nodenext-ts'));
    expect(show(result.edges)).toEqual([
      'src/barrel.ts -> src/tax/rates.ts w1',
      'src/barrel.ts -> src/tax/tax.ts w1',
      // `Tax` is an interface that the barrel passes on with `export *`.
      'src/main.ts -> src/barrel.ts w1 type',
      // Customer (interface) and CustomerId (type alias), imported without `type`, and re-exported.
      'src/main.ts -> src/customers/types.ts w2 type',
      'src/main.ts -> src/handlers/index.ts w1',
      'src/main.ts -> src/lazy/chart.ts w1 dynamic',
      'src/main.ts -> src/lazy/panel.ts w1 dynamic',
      'src/main.ts -> src/legacy.cts w1',
      // Money (import type) + Currency (per-name type) + format + parse.
      'src/main.ts -> src/money/money.ts w4',
      'src/main.ts -> src/orders/index.ts w2',
      // `import('./orders/types.js').OrderDraft` in a type position.
      'src/main.ts -> src/orders/types.ts w1 type',
      'src/main.ts -> src/report.ts w1',
      'src/main.ts -> src/setup.ts w1',
      'src/main.ts -> src/util.mts w1',
      'src/main.ts -> src/vendor/pay/lib/entry.ts w1',
      'src/orders/index.ts -> src/orders/service.ts w1',
      'src/orders/index.ts -> src/orders/types.ts w1 type',
      'src/orders/service.ts -> src/money/money.ts w1',
      'src/orders/service.ts -> src/orders/types.ts w1 type',
      'src/view/card.tsx -> src/view/button.tsx w1',
    ]);
    // './globals.js' is only a .d.ts and './data.json' is not a source: neither is unresolved. The self-import is no edge.
    expect(result.unresolved).toEqual([{ from: 'src/main.ts', specifier: './missing.js' }]);
    expect(result.externals).toEqual({ express: 1 });
    expect(result.stats.nonLiteralImports).toBe(1);
    expect(result.modules.find((m) => m.path === 'src/legacy.cts')).toEqual({ path: 'src/legacy.cts', loc: 2, language: 'cts' });
    expect(result.modules.map((m) => m.language)).toContain('tsx');
    expect(result.warnings).toEqual([]);
  });

  it('links npm/yarn workspace packages through exports, main and types, mapped back to source', async () => {
    const result = await extractProject(fixture('workspaces-npm'));
    expect(show(result.edges)).toEqual([
      // main ./compiled/main.js -> source/main.ts through the package's tsconfig rootDir/outDir.
      'apps/api/src/main.ts -> packages/billing/source/main.ts w1',
      // types ./index.d.ts -> index.ts; OrderPlaced is an interface.
      'apps/api/src/main.ts -> packages/contracts/index.ts w1 type',
      'apps/api/src/main.ts -> packages/legacy/lib/main.cjs w1',
      // "./format/*" with nested conditions -> dist/format/eur.js -> src/format/eur.ts.
      'apps/api/src/main.ts -> packages/money/src/format/eur.ts w1',
      'apps/api/src/main.ts -> packages/money/src/index.ts w1',
      'packages/billing/source/main.ts -> packages/money/src/index.ts w1',
      'packages/money/src/format/eur.ts -> packages/money/src/index.ts w1',
    ]);
    expect(result.unresolved).toEqual([
      { from: 'apps/api/src/main.ts', specifier: '@acme/money/internal/secret' },
      { from: 'apps/api/src/main.ts', specifier: '@acme/money/not-exported' },
    ]);
    expect(result.externals).toEqual({ lodash: 1 });
    expect(result.warnings).toEqual([]);
  });

  it('links pnpm workspace packages (with ! exclusions), string exports and #imports', async () => {
    const result = await extractProject(fixture('workspaces-pnpm'));
    expect(show(result.edges)).toEqual([
      'packages/catalog/src/index.js -> packages/catalog/src/db/client.js w1',
      'packages/catalog/src/index.js -> packages/catalog/src/lib/slug.js w1',
      'services/orders/api/src/server.mjs -> packages/catalog/src/index.js w1',
      'services/orders/api/src/server.mjs -> packages/catalog/src/models/product.js w1',
      'services/orders/api/src/server.mjs -> packages/kernel/src/index.js w1',
    ]);
    expect(result.unresolved).toEqual([
      { from: 'services/orders/api/src/server.mjs', specifier: '@shop/kernel/src/clock.js' },
      { from: 'services/orders/api/src/server.mjs', specifier: '@shop/catalog/models/internal/raw' },
    ]);
    // services/examples/** is excluded from the workspace: its package is not linked.
    expect(result.externals).toEqual({ '@shop/examples-demo': 1, fastify: 1 });
  });

  it('works without node_modules, and ignores an installed copy of a workspace package', async () => {
    const root = fixture('workspaces-npm', {
      'node_modules/@acme/money/package.json': JSON.stringify({ name: '@acme/money', main: 'index.js' }),
      'node_modules/@acme/money/index.js': 'exports.cents = 1;',
      'node_modules/lodash/index.js': 'module.exports = {};',
    });
    const result = await extractProject(root);
    expect(result.modules.some((m) => m.path.includes('node_modules'))).toBe(false);
    expect(show(result.edges)).toContain('apps/api/src/main.ts -> packages/money/src/index.ts w1');
  });

  it('leaves out tests, mocks, declarations and build output by default, keeps fixtures, and resolves imports of what it left out', async () => {
    const root = fixture('excluded', {
      'node_modules/pkg/index.js': 'module.exports = 1;',
      'dist/a.js': 'exports.a = 1;',
      'coverage/lcov-report/sorter.js': 'var a = 1;',
      'src/c.test.ts': 'export const c = 1;',
    });
    const result = await extractProject(root);
    expect(result.modules.map((m) => m.path)).toEqual([
      '__fixtures__/sample.ts',
      'src/a.ts',
      'src/gen/big.ts',
      'src/main.ts',
      'tools/script.mjs',
    ]);
    expect(show(result.edges)).toEqual([
      'src/main.ts -> __fixtures__/sample.ts w1',
      'src/main.ts -> src/a.ts w1',
      'src/main.ts -> src/gen/big.ts w1',
    ]);
    // './types.js' is a .d.ts and './__tests__/helper.js' a test file: known files, not unresolved.
    expect(result.unresolved).toEqual([]);

    const withTests = await extractProject(root, { includeTests: true });
    expect(withTests.modules.map((m) => m.path)).toEqual([
      '__fixtures__/sample.ts',
      'e2e/flow.ts',
      'src/__mocks__/db.js',
      'src/__tests__/helper.ts',
      'src/a.spec.ts',
      'src/a.ts',
      'src/b.test.js',
      'src/c.test.ts',
      'src/gen/big.ts',
      'src/main.ts',
      'test/setup.ts',
      'tests/util.js',
      'tools/script.mjs',
    ]);
    expect(show(withTests.edges)).toContain('src/main.ts -> src/__tests__/helper.ts w1');
  });

  it('notes the files that import a browser UI framework or hold JSX, not a server-side renderer', async () => {
    const result = await extractProject(fixture('full-stack'));
    expect(result.uiImports).toEqual({
      'app/App.tsx': 'JSX',
      'app/components/Avatar.tsx': 'react',
      'app/index.tsx': 'react-dom',
      'server/emails/Welcome.tsx': 'react',
    });
    // `import type` from the app, and the tsconfig alias `~/` of the browser code, are edges as any other.
    expect(result.edges).toContainEqual(
      expect.objectContaining({ from: 'server/routes/documents.ts', to: 'app/components/Avatar.tsx', typeOnly: true }),
    );
    expect(result.edges).toContainEqual(expect.objectContaining({ from: 'app/stores/DocumentsStore.ts', to: 'app/models/Document.ts' }));
  });

  it('reads the scripts of .vue and .svelte components: their imports, lines of code and UI evidence', async () => {
    const result = await extractProject(fixture('components'));
    expect(result.modules.filter((m) => m.language === 'vue' || m.language === 'svelte').map((m) => [m.path, m.language, m.loc])).toEqual([
      ['web/App.vue', 'vue', 18],
      ['web/components/ItemList.vue', 'vue', 13],
      ['widgets/Counter.svelte', 'svelte', 13],
    ]);
    expect(show(result.edges)).toEqual([
      'ops/reset-cache.js -> ops/cache-lib.js w1',
      'ops/reset-cache.js -> server/db.js w1',
      'ops/wait-for-db.js -> server/db.js w1',
      'server/app.js -> server/db.js w1',
      'server/app.js -> shared/money.js w1',
      'web/App.vue -> web/components/ItemList.vue w1',
      'web/App.vue -> web/stores/items.ts w1',
      'web/components/ItemList.vue -> shared/money.js w1',
      'web/main.ts -> web/App.vue w1',
      'widgets/Counter.svelte -> widgets/counter-store.js w1',
      'widgets/main.js -> widgets/Counter.svelte w1',
    ]);
    // The import in a commented-out <script> of the template is not read; the style's url() is not an import.
    expect(result.unresolved).toEqual([]);
    expect(result.uiImports).toEqual({
      'web/App.vue': 'Vue component',
      'web/components/ItemList.vue': 'vue',
      'web/main.ts': 'vue',
      'web/stores/items.ts': 'vue',
      'widgets/Counter.svelte': 'Svelte component',
      'widgets/main.js': 'svelte',
    });
    // What package.json scripts and the CI workflow run as tools; `server/app.js` is what `start` and `dev` start.
    expect(result.scriptRuns).toEqual({
      'ops/check-env.mjs': 'the CI workflow .github/workflows/ci.yml',
      'ops/reset-cache.js': 'the package.json script "reset-cache"',
      'ops/wait-for-db.js': 'the package.json script "start"',
    });
  });

  it('honours include and exclude globs', async () => {
    const root = fixture('excluded');
    const excluded = await extractProject(root, { exclude: ['src/gen', '*.mjs', '__fixtures__/**'] });
    expect(excluded.modules.map((m) => m.path)).toEqual(['src/a.ts', 'src/main.ts']);
    // Excluded files exist: importing them is not an unresolved import.
    expect(excluded.unresolved).toEqual([]);
    const included = await extractProject(root, { include: ['src/**/*.{ts,tsx}'], exclude: ['**/gen/**'] });
    expect(included.modules.map((m) => m.path)).toEqual(['src/a.ts', 'src/main.ts']);
  });

  it('keeps a file with a syntax error (with the imports that parsed) and skips binary and oversized files, with warnings', async () => {
    const root = fixture('broken', {
      'src/blob.js': Buffer.from([0x63, 0x6f, 0x00, 0x01, 0x02]),
      'src/bundle.js': `// generated\n${'x'.repeat(5000)}\n`,
    });
    const result = await extractProject(root, { maxFileBytes: 4096 });
    expect(result.modules.map((m) => m.path)).toEqual(['src/after.ts', 'src/broken.jsx', 'src/ok.ts']);
    expect(show(result.edges)).toEqual(['src/broken.jsx -> src/after.ts w1', 'src/broken.jsx -> src/ok.ts w1']);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['BINARY_FILE', 'src/blob.js'],
      ['PARSE_ERROR', 'src/broken.jsx'],
      ['FILE_TOO_LARGE', 'src/bundle.js'],
    ]);
    expect(result.warnings[1]?.message).toMatch(/^src\/broken\.jsx:4: /);
    expect(result.stats.discovered).toBe(5);
  });

  it('survives a symlink loop with a SYMLINK_LOOP warning, and resolves imports through a symlinked folder', async () => {
    const root = fixture('excluded', {
      'lib/shared/money.ts': 'export const money = 1;',
      'src/uses-link.ts': "import { money } from './shared/money.js';\nexport const m = money;",
    });
    symlinkSync(join(root, 'src'), join(root, 'src', 'loop'));
    symlinkSync(join(root, 'lib', 'shared'), join(root, 'src', 'shared'));
    const result = await extractProject(root);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'SYMLINK_LOOP', path: 'src/loop' })]);
    // The linked folder is read once, under its real path.
    expect(result.modules.map((m) => m.path)).toContain('lib/shared/money.ts');
    expect(result.modules.map((m) => m.path).filter((path) => path.includes('shared'))).toEqual(['lib/shared/money.ts']);
    expect(show(result.edges)).toContain('src/uses-link.ts -> lib/shared/money.ts w1');
  });

  it('follows a symlink to a folder outside the root once', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'strangler-extract-outside-'));
    copies.push(outside);
    writeFileSync(join(outside, 'vendor.ts'), 'export const vendor = 1;');
    symlinkSync(outside, join(outside, 'self'));
    const root = fixture('broken');
    symlinkSync(outside, join(root, 'src', 'vendor'));
    symlinkSync(outside, join(root, 'src', 'vendor-again'));
    const result = await extractProject(root);
    expect(result.modules.map((m) => m.path)).toContain('src/vendor/vendor.ts');
    expect(result.modules.map((m) => m.path)).not.toContain('src/vendor-again/vendor.ts');
    expect(result.warnings.filter((w) => w.code === 'SYMLINK_LOOP').map((w) => w.path)).toEqual(['src/vendor/self']);
  });

  it('explains a missing directory and a directory without sources', async () => {
    await expect(extractProject(join(tmpdir(), 'strangler-no-such-dir'))).rejects.toMatchObject({
      code: 'ANALYZE_NO_DIRECTORY',
      message: expect.stringMatching(/Give the root folder/),
    });
    await expect(extractProject(join(FIXTURES, 'no-sources', 'README.md'))).rejects.toMatchObject({ code: 'ANALYZE_NO_DIRECTORY' });
    await expect(extractProject(fixture('no-sources'))).rejects.toMatchObject({
      code: 'ANALYZE_NO_SOURCES',
      message: expect.stringMatching(/include/),
    });
  });

  it('never writes inside the analyzed root', async () => {
    const root = fixture('nodenext-ts');
    const snapshot = (): string[] =>
      readdirSync(root, { recursive: true, encoding: 'utf8' })
        .sort()
        .map((path) => `${path}:${statSync(join(root, path)).mtimeMs}`);
    const before = snapshot();
    await extractProject(root);
    expect(snapshot()).toEqual(before);
  });

  it('shows collectors every parsed tree with parents set, then the resolver; a failing collector is a warning', async () => {
    const seen: string[] = [];
    let resolved: Array<string | undefined> = [];
    let moduleCount = 0;
    const good: FileCollector = {
      visit: (file) => {
        const first = file.sourceFile.statements[0];
        seen.push(`${file.path}:${file.text.length > 0}:${first?.parent === file.sourceFile}`);
      },
      finish: (context) => {
        moduleCount = context.modules.size;
        resolved = [context.resolveImport('src/app.js', '@db'), context.resolveImport('src/app.js', 'express')];
      },
    };
    const failing: FileCollector = {
      visit: (file) => {
        if (file.path === 'src/app.js') throw new Error('boom');
      },
      finish: () => {
        throw new Error('bang');
      },
    };
    const events: ExtractProgress[] = [];
    const result = await extractProject(fixture('aliases'), { onProgress: (event) => events.push(event) }, [good, failing]);
    expect(seen).toHaveLength(9);
    expect(seen[0]).toBe('src/app.js:true:true');
    expect(moduleCount).toBe(9);
    expect(resolved).toEqual(['src/db/index.js', undefined]);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['COLLECTOR_ERROR', undefined],
      ['COLLECTOR_ERROR', 'src/app.js'],
    ]);
    expect(result.edges).toHaveLength(7);
    expect(events.map((e) => e.phase)).toEqual(['discover', 'discover', 'parse', 'parse', 'resolve', 'resolve']);
    expect(events.at(-1)).toEqual({ phase: 'resolve', done: 9, total: 9 });
  });

  it('reads the sample monolith: aliases through extends, CommonJS, cycles, dynamic and type-only imports, nothing unresolved', async () => {
    const result = await extractProject(resolve(import.meta.dirname, '..', '..', 'fixtures', 'shop-monolith'));
    expect(result.modules.length).toBeGreaterThanOrEqual(80);
    expect(result.unresolved).toEqual([]);
    expect(result.externals).toEqual({ express: 18, pg: 4 });
    const edge = (from: string, to: string): ImportEdge | undefined => result.edges.find((e) => e.from === from && e.to === to);
    expect(edge('src/catalog/category.repository.ts', 'src/db/index.ts')).toBeDefined();
    expect(edge('src/cart/cart.pricing.ts', 'src/legacy/coupon-calculator.js')).toBeDefined();
    expect(edge('src/orders/order.service.ts', 'src/payments/payments.service.ts')?.dynamic).toBe(true);
    expect(edge('src/middleware/auth.ts', 'src/lib/types.ts')?.typeOnly).toBe(true);
  });
});
