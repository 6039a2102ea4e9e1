/**
 * Hot reload under load, on real processes: admin-style changes (ProxyControl) and edits
 * of the config file apply atomically with zero failed requests, and a request in flight
 * finishes on the table it started with.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { get, load, sleep, startTestProxy, startUpstream, tempDir, writeJson, type Seen } from './helpers.js';

let monolith: ServiceProcess;
let catalog: ServiceProcess;
let catalog2: ServiceProcess;
let proxy: RunningProxy | undefined;

beforeAll(async () => {
  [monolith, catalog, catalog2] = await Promise.all([startUpstream('monolith'), startUpstream('catalog'), startUpstream('catalog-2')]);
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([monolith?.stop(), catalog?.stop(), catalog2?.stop()]);
});

const base = (): Record<string, unknown> => ({
  monolith: { instances: [monolith.baseUrl] },
  services: { catalog: { instances: [catalog.baseUrl] } },
  routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 0 }],
  accessLog: false,
  exposeUpstream: true,
});

describe('hot reload', () => {
  it('changes weights, routes and enabled flags under load with zero errors', async () => {
    proxy = await startTestProxy(base());
    const running = proxy;
    const traffic = load<Seen>(() => get(`${running.url}/api/catalog/products`), 8);
    const steps: Array<() => void> = [
      () => running.control.setWeight('catalog', 50),
      () => running.control.setWeight('catalog', 100),
      () => running.control.setEnabled('catalog', false),
      () => running.control.setEnabled('catalog', true),
      () =>
        running.control.replaceRoutes([
          { id: 'catalog-v2', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 100, rewrite: { addPrefix: '/v2' } },
        ]),
      () => running.control.replaceRoutes([]),
    ];
    const sides: string[][] = [];
    for (const step of steps) {
      await sleep(150);
      const from = traffic.results.length;
      step();
      await sleep(150);
      sides.push([...new Set(traffic.results.slice(from).map((seen) => seen.upstream))]);
    }
    const results = await traffic.stop();
    expect(results.length).toBeGreaterThan(200);
    expect(results.filter((seen) => seen.status !== 200)).toEqual([]);
    expect(running.control.version()).toBe(1 + steps.length);
    // After "weight 100", new requests all go to the service; after disabling, all to the monolith.
    expect(results.some((seen) => seen.upstream === 'catalog')).toBe(true);
    expect(sides.length).toBe(steps.length);
    const last = await get(`${running.url}/api/catalog/products`);
    expect(last.upstream).toBe('monolith');
  });

  it('refuses an invalid change and keeps the running table', () => {
    if (!proxy) throw new Error('no proxy');
    const version = proxy.control.version();
    expect(() => proxy?.control.replaceRoutes([{ id: 'x', match: { path: '/x' }, service: 'nope' }])).toThrow(
      /routes\[0\]\.service: unknown service "nope"/,
    );
    expect(() => proxy?.control.setWeight('missing', 10)).toThrow(expect.objectContaining({ code: 'PROXY_UNKNOWN_ROUTE' }));
    expect(proxy.control.version()).toBe(version);
  });

  it('lets a request in flight finish on the old table while new ones use the new one', async () => {
    await proxy?.close();
    proxy = await startTestProxy({
      ...base(),
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 100 }],
    });
    const slow = get(`${proxy.url}/api/catalog/slow?ms=600`);
    await sleep(150);
    proxy.control.setWeight('catalog', 0);
    const fresh = await get(`${proxy.url}/api/catalog/slow?ms=1`);
    expect(fresh.upstream).toBe('monolith');
    expect(await slow).toMatchObject({ status: 200, upstream: 'catalog' });
  });

  it('drains on close: requests in flight (even on an older table) finish, new connections are refused', async () => {
    await proxy?.close();
    const running = await startTestProxy(base());
    proxy = undefined;
    const slow = get(`${running.url}/api/catalog/slow?ms=700`);
    await sleep(150);
    running.control.setWeight('catalog', 100);
    const closing = running.close();
    await sleep(100);
    await expect(fetch(`${running.url}/api/catalog/x`)).rejects.toThrow();
    expect(await slow).toMatchObject({ status: 200, upstream: 'monolith' });
    await closing;
  });

  it('applies edits of the config file under load, ignores a broken edit, and keeps pools of instances that stay', async () => {
    await proxy?.close();
    const dir = tempDir();
    const file = join(dir, 'strangler.json');
    writeJson(file, base());
    proxy = await startTestProxy({}, { configPath: file, watch: true });
    const running = proxy;
    const traffic = load<Seen>(() => get(`${running.url}/api/catalog/products`), 6);
    await sleep(300);
    writeJson(file, { ...base(), routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 100 }] });
    await waitFor(() => running.control.version() === 2);
    await sleep(200);
    writeFileSync(file, '{ "monolith": ');
    await sleep(400);
    expect(running.control.version()).toBe(2);
    writeJson(file, {
      ...base(),
      services: { catalog: { instances: [catalog2.baseUrl] } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 100 }],
    });
    await waitFor(() => running.control.version() === 3);
    await sleep(300);
    const results = await traffic.stop();
    expect(results.filter((seen) => seen.status !== 200)).toEqual([]);
    expect(new Set(results.map((seen) => seen.upstream))).toEqual(new Set(['monolith', 'catalog', 'catalog-2']));
    const instances = running.control.instances();
    expect(instances.map((instance) => instance.url)).toEqual([monolith.baseUrl, catalog2.baseUrl]);
    // The monolith's instance (and its pool) lived through both reloads: its count covers all of them.
    expect(instances[0]?.requests).toBe(results.filter((seen) => seen.upstream === 'monolith').length);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(25);
  }
}
