/** Active health checks against real instances: an unhealthy one stops getting traffic, and comes back. */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { get, sleep, startTestProxy, startUpstream } from './helpers.js';

let proxy: RunningProxy | undefined;
const started: ServiceProcess[] = [];

afterAll(async () => {
  await proxy?.close();
  await Promise.all(started.map((service) => service.stop()));
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('active health checks', () => {
  it('takes an instance failing its health check out of the balancer', async () => {
    const [monolith, healthy, sick] = await Promise.all([
      startUpstream('monolith'),
      startUpstream('healthy'),
      startUpstream('sick', { UNHEALTHY: '1' }),
    ]);
    started.push(monolith, healthy, sick);
    proxy = await startTestProxy({
      monolith: { instances: [monolith.baseUrl] },
      services: {
        catalog: {
          instances: [healthy.baseUrl, sick.baseUrl],
          healthCheck: { path: '/health', interval: '100ms', timeout: '500ms', unhealthyThreshold: 2, healthyThreshold: 1 },
        },
      },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog' }],
    });
    const running = proxy;
    await waitFor(() => running.control.instances().some((instance) => instance.url === sick.baseUrl && !instance.healthy));
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add((await get(`${running.url}/api/catalog/x`)).upstream);
    expect(seen).toEqual(new Set(['healthy']));
    expect(running.control.instances().find((instance) => instance.url === healthy.baseUrl)?.healthy).toBe(true);
  });

  it('still sends traffic when every instance fails its check (panic mode) rather than failing all of it', async () => {
    await proxy?.close();
    const [monolith, sick] = await Promise.all([startUpstream('monolith'), startUpstream('sick-only', { UNHEALTHY: '1' })]);
    started.push(monolith, sick);
    proxy = await startTestProxy({
      monolith: { instances: [monolith.baseUrl] },
      services: { catalog: { instances: [sick.baseUrl], healthCheck: { path: '/health', interval: '100ms', unhealthyThreshold: 1 } } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog' }],
    });
    const running = proxy;
    await waitFor(() => running.control.instances().some((instance) => instance.url === sick.baseUrl && !instance.healthy));
    expect((await get(`${running.url}/api/catalog/x`)).upstream).toBe('sick-only');
  });
});
