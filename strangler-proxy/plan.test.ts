import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../common/config/load.js';
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { parseProxyConfig } from './config/load.js';
import { proxyPlanForCandidate, routePatterns } from './plan.js';

const analysis: AnalysisV1 = {
  schemaVersion: 1,
  tool: { name: 'strangler', version: '0' },
  root: '.',
  stats: { files: 1, edges: 0, durationMs: 1 },
  modules: [],
  edges: [],
  candidates: [
    {
      id: 'catalog',
      name: 'catalog',
      modules: ['src/catalog/routes.ts'],
      routes: [
        { method: 'GET', path: '/api/catalog/products/:id(\\d+)', module: 'src/catalog/routes.ts' },
        { method: 'PUT', path: '/api/catalog/products/:id(\\d+)', module: 'src/catalog/routes.ts' },
        { method: 'get', path: '/api/catalog/categories/', module: 'src/catalog/categories.ts' },
        { method: 'all', path: '/api/catalog/files/*', module: 'src/catalog/files.ts' },
      ],
      tables: [],
      dependsOn: [],
      metrics: { files: 1, loc: 1, cohesion: 1 },
    },
  ],
  sharedKernel: [],
  metrics: { modularity: 0, sm: 0, icp: 0, ifn: 0, ned: 0 },
  extractionOrder: ['catalog'],
  warnings: [],
};

describe('proxyPlanForCandidate', () => {
  it('turns route paths into patterns, an optional segment into one pattern without it and one with it', () => {
    expect(routePatterns('/products/:id(\\d+)')).toEqual(['/products/:id']);
    expect(routePatterns('files/*')).toEqual(['/files/**']);
    expect(routePatterns('/')).toEqual(['/']);
    // uptime-kuma's badge routes, a SvelteKit [[lang]] folder: the request without the segment is diverted too.
    expect(routePatterns('/api/badge/:id/uptime/:duration?')).toEqual(['/api/badge/:id/uptime', '/api/badge/:id/uptime/:duration']);
    expect(routePatterns('/a/:b?/')).toEqual(['/a', '/a/:b']);
    expect(routePatterns('/:lang?/files/*')).toEqual(['/files/**', '/:lang/files/**']);
    expect(routePatterns('/:a?/:b?')).toEqual(['/', '/:b', '/:a', '/:a/:b']);
    // Past three optional segments, the rest of the path from the first one.
    expect(routePatterns('/x/:a?/:b?/:c?/:d?')).toEqual(['/x/**']);
  });

  it("writes the candidate's routes, switched off, as a fragment the proxy config accepts", () => {
    const text = proxyPlanForCandidate(analysis, 'catalog');
    expect(text).toContain('# Proxy routes for extracting "catalog"');
    const fragment = parseConfigText(text, 'fragment.yaml');
    if (typeof fragment !== 'object' || fragment === null) throw new Error('not an object');
    const config = parseProxyConfig({ ...fragment, monolith: { instances: ['http://127.0.0.1:3000'] } });
    expect(config.routes.map((route) => [route.match.path, route.match.methods, route.weight, route.enabled, route.service])).toEqual([
      ['/api/catalog/categories', ['GET'], 0, false, 'catalog'],
      ['/api/catalog/files/**', [], 0, false, 'catalog'],
      ['/api/catalog/products/:id', ['GET', 'PUT'], 0, false, 'catalog'],
    ]);
  });

  it('refuses an unknown candidate, naming the known ones', () => {
    expect(() => proxyPlanForCandidate(analysis, 'users')).toThrow(/No candidate "users".*candidates: catalog/);
  });
});
