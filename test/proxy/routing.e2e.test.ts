/** Routing through a real proxy to real upstream processes: matchers, weights, stickiness, rewrite, headers, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { get, rawRequest, startTestProxy, startUpstream, upstreamCount } from './helpers.js';

let monolith: ServiceProcess;
let catalog: ServiceProcess;
let users: ServiceProcess;
let proxy: RunningProxy;

beforeAll(async () => {
  [monolith, catalog, users] = await Promise.all([startUpstream('monolith'), startUpstream('catalog'), startUpstream('users')]);
  proxy = await startTestProxy({
    monolith: { instances: [monolith.baseUrl] },
    services: {
      catalog: { instances: [catalog.baseUrl] },
      users: { instances: [users.baseUrl] },
      dead: { instances: ['http://127.0.0.1:1'] },
      flaky: { instances: ['http://127.0.0.1:1'], breaker: { failureThreshold: 1, openFor: '1m' } },
      slow: { instances: [catalog.baseUrl] },
    },
    routes: [
      { id: 'beta', match: { path: '/api/**', headers: { 'x-beta': '1' } }, service: 'users' },
      { id: 'canary-cookie', match: { path: '/api/**', cookies: { canary: 'yes' } }, service: 'users' },
      { id: 'product', match: { path: '/api/catalog/products/:id', methods: ['GET'] }, service: 'catalog' },
      { id: 'any-review', match: { path: '/api/catalog/*/reviews' }, service: 'users' },
      { id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', rewrite: { stripPrefix: '/api/catalog', addPrefix: '/v2' } },
      { id: 'split', match: { path: '/split/**' }, service: 'catalog', weight: 30 },
      { id: 'sticky', match: { path: '/sticky/**' }, service: 'catalog', weight: 50, sticky: { by: 'cookie', name: 'uid' } },
      { id: 'off', match: { path: '/off/**' }, service: 'catalog', enabled: false },
      { id: 'dead', match: { path: '/dead/**' }, service: 'dead', fallback: false },
      { id: 'dead-fallback', match: { path: '/dead-ok/**' }, service: 'dead' },
      { id: 'flaky', match: { path: '/flaky/**' }, service: 'flaky', fallback: false },
      { id: 'slow', match: { path: '/timeout/**' }, service: 'slow', fallback: false, timeouts: { headers: '200ms' } },
    ],
  });
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([monolith?.stop(), catalog?.stop(), users?.stop()]);
});

describe('routing', () => {
  it('sends each matcher to its target, and the rest to the monolith', async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['/api/catalog/products/7', {}, 'catalog'],
      ['/api/catalog/products/7', { 'x-beta': '1' }, 'users'],
      ['/api/orders', { cookie: 'a=b; canary=yes' }, 'users'],
      ['/api/orders', { cookie: 'canary=no' }, 'monolith'],
      ['/api/catalog/42/reviews', {}, 'users'],
      ['/api/catalog/categories', {}, 'catalog'],
      ['/api/catalogue', {}, 'monolith'],
      ['/apiary', {}, 'monolith'],
      ['/off/x', {}, 'monolith'],
      ['/', {}, 'monolith'],
    ];
    for (const [path, headers, expected] of cases) {
      const seen = await get(proxy.url + path, headers);
      expect(seen.status, path).toBe(200);
      expect(seen.upstream, `${path} ${JSON.stringify(headers)}`).toBe(expected);
    }
  });

  it('matches on method', async () => {
    const response = await fetch(`${proxy.url}/api/catalog/products/7`, { method: 'DELETE' });
    const body = (await response.json()) as { name: string; url: string };
    // DELETE is not on the `product` route: the next matching route (`catalog`, with its rewrite) takes it.
    expect(body).toMatchObject({ name: 'catalog', url: '/v2/products/7' });
  });

  it('routes HEAD like GET, with the headers and no body', async () => {
    const response = await fetch(`${proxy.url}/api/catalog/products/7`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('catalog');
    expect(response.headers.get('x-strangler-route')).toBe('product');
    expect(await response.text()).toBe('');
  });

  it('rewrites the path for the service, keeping the query', async () => {
    const seen = await get(`${proxy.url}/api/catalog/categories?limit=5`);
    expect(JSON.parse(seen.body)).toMatchObject({ name: 'catalog', url: '/v2/categories?limit=5' });
  });

  it('diverts the configured share within statistical tolerance', async () => {
    const total = 1000;
    let diverted = 0;
    for (let i = 0; i < total; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => get(`${proxy.url}/split/x`)));
      diverted += batch.filter((seen) => seen.upstream === 'catalog').length;
    }
    // 30 % of 1000: the standard deviation is sqrt(1000 × 0.3 × 0.7) ≈ 14.5; allow 4σ.
    expect(diverted).toBeGreaterThan(300 - 58);
    expect(diverted).toBeLessThan(300 + 58);
  });

  it('keeps each user on one side with a sticky cookie', async () => {
    let catalogUsers = 0;
    for (let user = 0; user < 60; user++) {
      const sides = new Set<string>();
      for (let again = 0; again < 5; again++) sides.add((await get(`${proxy.url}/sticky/page`, { cookie: `uid=u${user}` })).upstream);
      expect(sides.size).toBe(1);
      if (sides.has('catalog')) catalogUsers++;
    }
    expect(catalogUsers).toBeGreaterThan(10);
    expect(catalogUsers).toBeLessThan(50);
  });

  it('counts per route', () => {
    const split = proxy.control.routes().find((route) => route.id === 'split');
    expect(split?.counters.matched).toBe(1000);
    expect(split?.counters.diverted).toBeGreaterThan(200);
  });
});

describe('headers', () => {
  it('adds X-Forwarded-*, Forwarded and a traceparent; strips hop-by-hop both ways', async () => {
    const response = await rawRequest(proxy.url, '/echo', {
      connection: 'keep-alive, x-drop',
      'x-drop': '1',
      'x-keep': '2',
      'x-forwarded-for': '6.6.6.6',
    });
    const body = JSON.parse(response.body) as { headers: Record<string, string> };
    expect(body.headers['x-keep']).toBe('2');
    expect(body.headers['x-drop']).toBeUndefined();
    expect(body.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(body.headers['x-forwarded-proto']).toBe('http');
    expect(body.headers['x-forwarded-host']).toBe(new URL(proxy.url).host);
    expect(body.headers.forwarded).toBe(`for=127.0.0.1;proto=http;host="${new URL(proxy.url).host}"`);
    expect(body.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    // The upstream answered with `Connection: keep-alive, x-hop` and `x-hop: secret`.
    expect(response.headers['x-hop']).toBeUndefined();
    expect(response.headers['keep-alive']).not.toBe('timeout=17');
    expect(response.headers['x-strangler-upstream']).toBe('monolith');
  });

  it("sends the instance's Host by default, the client's with preserveHost", async () => {
    const plain = JSON.parse((await get(`${proxy.url}/echo`)).body) as { headers: Record<string, string> };
    expect(plain.headers.host).toBe(new URL(monolith.baseUrl).host);
    const preserving = await startTestProxy({ monolith: { instances: [monolith.baseUrl] }, preserveHost: true });
    try {
      const kept = JSON.parse((await get(`${preserving.url}/echo`)).body) as { headers: Record<string, string> };
      expect(kept.headers.host).toBe(new URL(preserving.url).host);
    } finally {
      await preserving.close();
    }
  });

  it('passes a valid traceparent on unchanged', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await fetch(`${proxy.url}/echo`, { headers: { traceparent } });
    const body = (await response.json()) as { headers: Record<string, string> };
    expect(body.headers.traceparent).toBe(traceparent);
  });
});

describe('errors', () => {
  it('answers 502 with a JSON body naming route and upstream when a service without fallback is down', async () => {
    const response = await fetch(`${proxy.url}/dead/x`);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'bad gateway', route: 'dead', upstream: 'dead', reason: 'connection refused' });
  });

  it('answers 503 once the breaker is open, and 504 when the service is too slow', async () => {
    expect((await fetch(`${proxy.url}/flaky/x`)).status).toBe(502);
    const open = await fetch(`${proxy.url}/flaky/x`);
    expect(open.status).toBe(503);
    expect(await open.json()).toMatchObject({
      error: 'service unavailable',
      route: 'flaky',
      upstream: 'flaky',
      reason: 'no instance available',
    });
    const slow = await fetch(`${proxy.url}/timeout/slow?ms=1500`);
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ error: 'gateway timeout', route: 'slow', upstream: 'slow', instance: catalog.baseUrl });
  });

  it('falls back to the monolith when the service is down', async () => {
    const before = await upstreamCount(monolith);
    const seen = await get(`${proxy.url}/dead-ok/x`);
    expect(seen).toMatchObject({ status: 200, upstream: 'monolith' });
    expect(await upstreamCount(monolith)).toBe(before + 1);
    expect(proxy.control.routes().find((route) => route.id === 'dead-fallback')?.counters.fallbacks).toBeGreaterThan(0);
  });

  it('refuses dot segments and absolute-form targets with 400', async () => {
    const before = await upstreamCount(monolith);
    for (const target of ['/api/../admin', '/a/%2e%2e/b', '/a/./b', 'http://elsewhere.example/x']) {
      const response = await rawRequest(proxy.url, target);
      expect(response.status, target).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'bad request' });
    }
    expect(await upstreamCount(monolith)).toBe(before);
  });
});
