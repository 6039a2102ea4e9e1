/**
 * The strangler's safety net on real processes: a service instance killed under load, then
 * the whole service, and not one GET fails for the client; a service answering 5xx hands
 * idempotent requests to the monolith.
 */
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { get, load, sleep, startTestProxy, startUpstream, upstreamCount, type Seen } from './helpers.js';

const started: Array<{ stop(): Promise<void> }> = [];
let proxy: RunningProxy | undefined;

afterAll(async () => {
  await proxy?.close();
  await Promise.all(started.map((item) => item.stop()));
});

async function upstream(name: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const service = await startUpstream(name, env);
  started.push(service);
  return service;
}

describe('fallback to the monolith', () => {
  it('gives zero client-visible errors for GETs while the service instances are killed under load', async () => {
    const [monolith, a, b] = await Promise.all([upstream('monolith'), upstream('catalog-a'), upstream('catalog-b')]);
    proxy = await startTestProxy({
      monolith: { instances: [monolith.baseUrl] },
      services: { catalog: { instances: [a.baseUrl, b.baseUrl], balancer: 'round-robin' } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 100, retries: { attempts: 1 } }],
    });
    const url = `${proxy.url}/api/catalog/products`;
    const traffic = load<Seen>(() => get(url), 8);
    await sleep(700);
    a.child.kill('SIGKILL');
    await sleep(700);
    b.child.kill('SIGKILL');
    await sleep(700);
    const results = await traffic.stop();
    const failures = results.filter((seen) => seen.status !== 200);
    expect(results.length).toBeGreaterThan(200);
    expect(failures).toEqual([]);
    const by = (name: string): number => results.filter((seen) => seen.upstream === name).length;
    expect(by('catalog-a')).toBeGreaterThan(0);
    expect(by('catalog-b')).toBeGreaterThan(0);
    expect(by('monolith')).toBeGreaterThan(0);
    const route = proxy.control.routes()[0];
    expect(route?.counters.fallbacks).toBeGreaterThan(0);
    expect(route?.counters.errors).toBe(0);
    // The breakers opened: the dead instances are no longer even tried.
    expect(
      proxy.control
        .instances()
        .filter((instance) => instance.service === 'catalog')
        .map((instance) => instance.breaker),
    ).toEqual(['open', 'open']);
    await proxy.close();
    proxy = undefined;
  });

  it('hands idempotent requests answered with 5xx to the monolith, but not POSTs', async () => {
    const [monolith, failing] = await Promise.all([upstream('monolith'), upstream('catalog', { FAIL: '1' })]);
    proxy = await startTestProxy({
      monolith: { instances: [monolith.baseUrl] },
      services: { catalog: { instances: [failing.baseUrl], outlier: { consecutive5xx: 1000 } } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog' }],
    });
    const seen = await get(`${proxy.url}/api/catalog/products`);
    expect(seen).toMatchObject({ status: 200, upstream: 'monolith' });
    const put = await fetch(`${proxy.url}/api/catalog/products/1`, { method: 'DELETE' });
    expect(put.status).toBe(200);
    await put.text();
    const post = await fetch(`${proxy.url}/api/catalog/products`, { method: 'POST', body: '{"name":"x"}' });
    expect(post.status).toBe(500);
    expect(post.headers.get('x-upstream')).toBe('catalog');
    await post.text();
    expect(await upstreamCount(failing)).toBe(3);
    await proxy.close();
    proxy = undefined;
  });

  it('retries an idempotent request answered with 5xx on another instance of the service', async () => {
    const [monolith, good, bad] = await Promise.all([upstream('monolith'), upstream('good'), upstream('bad', { FAIL: '1' })]);
    proxy = await startTestProxy({
      monolith: { instances: [monolith.baseUrl] },
      services: { catalog: { instances: [bad.baseUrl, good.baseUrl], outlier: { consecutive5xx: 1000 } } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', fallback: false, retries: { attempts: 1 } }],
      retryBudget: { ratio: 1, burst: 100 },
    });
    for (let i = 0; i < 20; i++) expect(await get(`${proxy.url}/api/catalog/x`)).toMatchObject({ status: 200, upstream: 'good' });
    expect(await upstreamCount(bad)).toBeGreaterThan(0);
    expect(await upstreamCount(monolith)).toBe(0);
    await proxy.close();
    proxy = undefined;
  });

  it('ejects an instance that keeps answering 5xx (passive outlier detection)', async () => {
    const [monolith, good, bad] = await Promise.all([upstream('monolith'), upstream('good'), upstream('bad', { FAIL: '1' })]);
    proxy = await startTestProxy({
      monolith: { instances: [monolith.baseUrl] },
      services: { catalog: { instances: [good.baseUrl, bad.baseUrl], outlier: { consecutive5xx: 3, baseEjection: '1m' } } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', retries: { attempts: 0 } }],
    });
    for (let i = 0; i < 20; i++) expect((await get(`${proxy.url}/api/catalog/x`)).status).toBe(200);
    const badStatus = proxy.control.instances().find((instance) => instance.url === bad.baseUrl);
    expect(badStatus?.ejected).toBe(true);
    const before = await upstreamCount(bad);
    for (let i = 0; i < 20; i++) expect((await get(`${proxy.url}/api/catalog/x`)).upstream).toBe('good');
    expect(await upstreamCount(bad)).toBe(before);
    await proxy.close();
    proxy = undefined;
  });

  it('does not blame the instance when clients hang up mid-upload', async () => {
    const [monolith, catalog] = await Promise.all([upstream('monolith'), upstream('catalog')]);
    proxy = await startTestProxy({
      monolith: { instances: [monolith.baseUrl] },
      services: { catalog: { instances: [catalog.baseUrl], breaker: { failureThreshold: 2 } } },
      routes: [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog' }],
    });
    for (let i = 0; i < 4; i++) {
      const controller = new AbortController();
      const chunk = Buffer.alloc(64 * 1024, 1);
      const upload = request(`${proxy.url}/api/catalog/throttled`, {
        method: 'POST',
        signal: controller.signal,
        body: Readable.from(
          (function* () {
            for (let n = 0; n < 1000; n++) yield chunk;
          })(),
        ),
      });
      await sleep(150);
      controller.abort();
      await expect(upload).rejects.toThrow();
    }
    // The proxy sees the hang-up once it reads the client's socket again (it was paused by backpressure).
    const catalogStatus = () => proxy?.control.instances().find((instance) => instance.service === 'catalog');
    for (let waited = 0; (catalogStatus()?.inflight ?? 0) > 0 && waited < 15_000; waited += 50) await sleep(50);
    const status = catalogStatus();
    expect(status).toMatchObject({ breaker: 'closed', failures: 0, inflight: 0 });
    expect((await get(`${proxy.url}/api/catalog/x`)).upstream).toBe('catalog');
    await proxy.close();
    proxy = undefined;
  });
});
