/** The demo's proxy step against real upstream processes: it drives traffic and reports the split it saw. */
import { afterAll, describe, expect, it } from 'vitest';
import { runProxyDemoStep } from '../../cli/demo/proxy-step.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { startUpstream, upstreamCount } from './helpers.js';

const started: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((service) => service.stop()));
});

describe('runProxyDemoStep', () => {
  it('splits the catalog traffic about half and half and says so', async () => {
    const [monolith, catalog] = await Promise.all([startUpstream('monolith'), startUpstream('catalog')]);
    started.push(monolith, catalog);
    const lines: string[] = [];
    const step = await runProxyDemoStep({
      monolithUrl: monolith.baseUrl,
      catalogUrl: catalog.baseUrl,
      say: (line) => lines.push(line),
      paths: ['/api/catalog/categories', '/api/catalog/products/1'],
    });
    try {
      expect(step.split.total).toBe(200);
      expect(step.split.failed).toBe(0);
      expect(step.split.catalog + step.split.monolith).toBe(200);
      // 50 % of 200: σ ≈ 7; allow 4σ.
      expect(step.split.catalog).toBeGreaterThan(100 - 28);
      expect(step.split.catalog).toBeLessThan(100 + 28);
      expect(await upstreamCount(catalog)).toBe(step.split.catalog);
      expect(await upstreamCount(monolith)).toBe(step.split.monolith);
      expect(lines.join('\n')).toMatch(/catalog service\s+\d+\s+\(\d+\.\d %\)/);
      expect(lines.join('\n')).toContain(`diverted ${step.split.catalog}`);
    } finally {
      await step.stop();
    }
  });
});
