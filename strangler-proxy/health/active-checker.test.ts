/** Health rounds with the probe injected: no timers, no network. */
import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../config/load.js';
import { buildService } from '../upstream/service.js';
import { probeRound } from './active-checker.js';

describe('active health check rounds', () => {
  it('marks an instance unhealthy after the threshold and healthy again, and leaves the balancer to the rest', async () => {
    const config = parseProxyConfig({
      monolith: {
        instances: ['http://10.0.0.1:80', 'http://10.0.0.2:80'],
        healthCheck: { path: '/ready', unhealthyThreshold: 2, healthyThreshold: 2 },
      },
    });
    const service = buildService('monolith', config.monolith, new Map());
    const down = new Set(['http://10.0.0.2:80']);
    const paths: string[] = [];
    const probe = (instance: { key: string }, check: { path: string }): Promise<boolean> => {
      paths.push(check.path);
      return Promise.resolve(!down.has(instance.key));
    };
    await probeRound(service, probe);
    expect(service.instances.map((instance) => instance.health.healthy)).toEqual([true, true]);
    await probeRound(service, probe);
    expect(service.instances.map((instance) => instance.health.healthy)).toEqual([true, false]);
    for (let i = 0; i < 10; i++) expect(service.pick(0, undefined)?.key).toBe('http://10.0.0.1:80');
    down.clear();
    await probeRound(service, probe);
    expect(service.instances[1]?.health.healthy).toBe(false);
    await probeRound(service, probe);
    expect(service.instances[1]?.health.healthy).toBe(true);
    expect(new Set(paths)).toEqual(new Set(['/ready']));
    await Promise.all(service.instances.map((instance) => instance.pool.close()));
  });
});
