import { describe, expect, it } from 'vitest';
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { parseSyncConfig } from './config/load.js';
import { syncPlanForCandidate } from './plan.js';

const candidate = (id: string, tables: AnalysisV1['candidates'][number]['tables']): AnalysisV1['candidates'][number] => ({
  id,
  name: id,
  modules: [],
  routes: [],
  tables,
  dependsOn: [],
  metrics: { files: 1, loc: 1, cohesion: 1 },
});

const analysis: AnalysisV1 = {
  schemaVersion: 1,
  tool: { name: 'strangler', version: '0.1.0' },
  root: '.',
  stats: { files: 0, edges: 0, durationMs: 0 },
  modules: [],
  edges: [],
  candidates: [
    candidate('catalog', [
      { name: 'products', reads: 4, writes: 2 },
      { name: 'categories', reads: 2, writes: 1 },
      { name: 'inventory', reads: 1, writes: 1 },
      { name: 'customers', reads: 3, writes: 0 },
    ]),
    candidate('orders', [
      { name: 'orders', reads: 1, writes: 1 },
      { name: 'inventory', reads: 1, writes: 1 },
    ]),
    candidate('reports', [{ name: 'orders', reads: 1, writes: 0 }]),
  ],
  sharedKernel: [],
  metrics: { modularity: 0, sm: 0, icp: 0, ifn: 0, ned: 0 },
  extractionOrder: ['catalog', 'orders', 'reports'],
  warnings: [],
  sharedTables: [{ table: 'inventory', writers: ['catalog', 'orders'], readers: [] }],
};

describe('syncPlanForCandidate', () => {
  it('maps the tables the candidate alone writes, and lists shared and read-only tables as comments', () => {
    const text = syncPlanForCandidate(analysis, 'catalog');
    const config = parseSyncConfig(text, 'sync.yaml');
    expect(config.tables.map((table) => [table.source, table.target])).toEqual([
      ['public.products', 'products'],
      ['public.categories', 'categories'],
    ]);
    expect(config).toMatchObject({
      slot: 'strangler_catalog',
      publication: 'strangler_catalog',
      target: { urlEnv: 'CATALOG_DATABASE_URL' },
    });
    expect(text).toContain('#   inventory: writers catalog, orders');
    expect(text).toContain('#   - source: public.customers   # 3 read(s)');
  });

  it('says so when the candidate writes nothing', () => {
    expect(syncPlanForCandidate(analysis, 'reports')).toContain('reports writes no table of its own');
    expect(() => syncPlanForCandidate(analysis, 'nope')).toThrow(/no candidate "nope"/);
  });
});
