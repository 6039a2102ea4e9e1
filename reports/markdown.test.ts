import { describe, expect, it } from 'vitest';
import { readAnalysis, type AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { mdCode, mdText, renderMarkdown } from './markdown.js';

const EVIL = 'src/<img src=x onerror=alert(1)>.ts';

function sample(): AnalysisV1 {
  return readAnalysis({
    schemaVersion: 1,
    tool: { name: 'strangler', version: '0.1.0' },
    root: 'shop',
    stats: { files: 5, edges: 4, durationMs: 1234, routes: 2, tables: 3 },
    modules: [
      { path: 'src/catalog/routes.ts', loc: 40, candidate: 'catalog' },
      { path: EVIL, loc: 3, candidate: 'catalog' },
      { path: 'src/orders/checkout.ts', loc: 80, candidate: 'orders' },
      { path: 'src/db/pool.ts', loc: 10, candidate: 'shared' },
      { path: 'test/x.test.ts', loc: 5, candidate: null },
    ],
    edges: [
      { from: 'src/orders/checkout.ts', to: 'src/catalog/routes.ts', weight: 3, typeOnly: false, dynamic: false },
      { from: 'src/orders/checkout.ts', to: EVIL, weight: 1, typeOnly: true, dynamic: false },
      { from: 'src/catalog/routes.ts', to: 'src/db/pool.ts', weight: 1, typeOnly: false, dynamic: false },
      { from: 'src/orders/checkout.ts', to: 'src/db/pool.ts', weight: 1, typeOnly: false, dynamic: false },
    ],
    candidates: [
      {
        id: 'catalog',
        name: 'Catalog | <b>',
        modules: ['src/catalog/routes.ts', EVIL],
        routes: [{ method: 'GET', path: '/api/catalog/products/:id', module: 'src/catalog/routes.ts' }],
        tables: [
          { name: 'products', reads: 4, writes: 1 },
          { name: 'categories', reads: 2, writes: 0 },
        ],
        dependsOn: [],
        metrics: { files: 2, loc: 43, cohesion: 0.8 },
      },
      {
        id: 'orders',
        name: 'orders',
        modules: ['src/orders/checkout.ts'],
        routes: [{ method: 'POST', path: '/api/checkout', module: 'src/orders/checkout.ts' }],
        tables: [
          { name: 'orders', reads: 1, writes: 2 },
          { name: 'products', reads: 1, writes: 1 },
        ],
        dependsOn: [{ candidate: 'catalog', edges: 2 }],
        metrics: { files: 1, loc: 80, cohesion: 0.5 },
      },
    ],
    sharedKernel: ['src/db/pool.ts'],
    metrics: { modularity: 0.41, sm: 0.3, icp: 0.25, ifn: 1.5, ned: 1 },
    extractionOrder: ['orders', 'catalog'],
    extractionPlan: [
      { candidate: 'orders', reason: 'no other candidate depends on it' },
      { candidate: 'catalog', reason: 'used by orders; shares products' },
    ],
    sharedTables: [{ table: 'products', writers: ['catalog', 'orders'], readers: [] }],
    cycles: [],
    warnings: [{ code: 'PARSE_ERROR', path: 'src/broken.ts', message: 'line 3: `;` expected' }],
  });
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(sample());

  it('escapes every string that comes from the analyzed code', () => {
    // Outside code spans (which Markdown renders literally) no raw HTML from the code remains.
    const outsideCode = md.replace(/``.*?``|`[^`\n]*`/g, '');
    expect(outsideCode).not.toContain('<img');
    expect(outsideCode).not.toContain('<b>');
    expect(md).toContain('`src/<img src=x onerror=alert(1)>.ts`');
    expect(md).toContain('Catalog \\| &lt;b&gt;');
    expect(mdText('a|b*c_<d>')).toBe('a\\|b\\*c\\_&lt;d&gt;');
    expect(mdCode('x`y')).toBe('`` x`y ``');
  });

  it('draws the candidates and their dependencies as a Mermaid graph', () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(md)?.[1] ?? '';
    expect(block.split('\n')).toEqual([
      'graph LR',
      '  c0["Catalog | #lt;b#gt;<br/>2 files"]',
      '  c1["orders<br/>1 files"]',
      '  shared[("shared kernel<br/>1 files")]',
      '  c1 -->|2| c0',
      '',
    ]);
  });

  it('lists the extraction order with reasons and marks shared tables in the matrix', () => {
    expect(md).toContain('1. **orders** — no other candidate depends on it\n2. **catalog** — used by orders; shares products');
    expect(md).toContain('| ⚠ `products` | RW | RW |');
    expect(md).toContain('| `categories` | R |  |');
    expect(md).toContain('| `products` | 1 | 1 | ⚠ shared |');
  });

  it('shows routes, heaviest cross-boundary imports and warnings', () => {
    expect(md).toContain('| GET | `/api/catalog/products/:id` | `src/catalog/routes.ts` |');
    expect(md).toContain('| `src/orders/checkout.ts` | `src/catalog/routes.ts` (catalog) | 3 |');
    expect(md).toContain('- `PARSE_ERROR` `src/broken.ts`: line 3: \\`;\\` expected');
    expect(md).toContain('| Interface number (IFN) | 1.5 |');
  });
});
