/**
 * The admin API on a real socket, driven with fetch. The proxy behind it is an in-memory
 * ProxyControl (testing/memory-control.ts): what is under test here is the admin API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.js';
import type { InstanceStatus } from '../control.js';
import { createProxyMetrics } from '../metrics/proxy-metrics.js';
import { parseExposition, sampleValue } from '../metrics/parse-exposition.js';
import { startAdminServer, type AdminServer } from './server.js';
import { memoryControl, type MemoryControl } from './testing/memory-control.js';

const TOKEN = 'test-token-0123456789-abcdef';
const instances: InstanceStatus[] = [
  {
    service: 'catalog',
    url: 'http://127.0.0.1:4101',
    healthy: true,
    ejected: false,
    breaker: 'closed',
    inflight: 0,
    ewmaMs: 1.2,
    requests: 40,
    failures: 1,
  },
  {
    service: 'monolith',
    url: 'http://127.0.0.1:4000',
    healthy: true,
    ejected: false,
    breaker: 'closed',
    inflight: 2,
    ewmaMs: 3.4,
    requests: 90,
    failures: 0,
  },
];
const initialRoutes = [{ id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 10 }];

const logLines: string[] = [];
const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}

async function call(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: string; type?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
  const response = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const errorOf = (answer: Answer): Record<string, unknown> => answer.json()['error'] as Record<string, unknown>;

describe('admin API with a token', () => {
  let control: MemoryControl;
  let server: AdminServer;
  const metrics = createProxyMetrics();

  beforeAll(async () => {
    control = memoryControl(initialRoutes, instances);
    server = await startAdminServer(
      control,
      metrics,
      { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'ADMIN_TOKEN_FOR_TEST', metricsPublic: false },
      logger,
      { env: { ADMIN_TOKEN_FOR_TEST: TOKEN } },
    );
  });
  afterAll(async () => {
    await server.close();
    metrics.stop();
  });

  it('binds 127.0.0.1', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers /healthz without a token', async () => {
    const answer = await call(server.url, '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ status: 'ok', version: control.version() });
  });

  it('refuses requests without the token (401) and with a wrong one (401 invalid_token)', async () => {
    for (const path of ['/api/routes', '/api/instances', '/metrics', '/api/nothing-here']) {
      const missing = await call(server.url, path);
      expect(missing.status, path).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="strangler-admin"');
      expect(errorOf(missing)['code']).toBe('PROXY_ADMIN_UNAUTHORIZED');
      const wrong = await call(server.url, path, { token: TOKEN + 'x' });
      expect(wrong.status, path).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(errorOf(wrong)['code']).toBe('PROXY_ADMIN_BAD_TOKEN');
    }
    const basic = await fetch(server.url + '/api/routes', {
      headers: { authorization: `Basic ${Buffer.from('a:' + TOKEN).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    const put = await call(server.url, '/api/routes', { method: 'PUT', body: JSON.stringify({ routes: [] }) });
    expect(put.status).toBe(401);
    expect(control.routes()).toHaveLength(1);
  });

  it('lists routes and instances with the token', async () => {
    control.count('catalog', { matched: 20, diverted: 2, errors: 1 });
    const routes = await call(server.url, '/api/routes', { token: TOKEN });
    expect(routes.status).toBe(200);
    expect(routes.json()['routes']).toEqual([
      {
        id: 'catalog',
        match: { path: '/api/catalog/**', methods: [], headers: {}, cookies: {} },
        target: 'catalog',
        weight: 10,
        enabled: true,
        counters: { matched: 20, diverted: 2, fallbacks: 0, errors: 1 },
      },
    ]);
    const listed = await call(server.url, '/api/instances', { token: TOKEN });
    expect(listed.json()['instances']).toEqual(instances);
  });

  it('serves the shadow report with the token only', async () => {
    expect((await call(server.url, '/api/shadow')).status).toBe(401);
    const report = await call(server.url, '/api/shadow', { token: TOKEN });
    expect(report.status).toBe(200);
    expect(report.json()).toEqual({ routes: [], samples: [] });
  });

  it('accepts the scheme in any case', async () => {
    const response = await fetch(server.url + '/api/routes', { headers: { authorization: `bEaReR ${TOKEN}` } });
    expect(response.status).toBe(200);
  });

  it('PATCH changes a weight and enables/disables a route', async () => {
    const before = control.version();
    const patched = await call(server.url, '/api/routes/catalog', { method: 'PATCH', token: TOKEN, body: JSON.stringify({ weight: 35 }) });
    expect(patched.status).toBe(200);
    expect(patched.json()['route']).toMatchObject({ id: 'catalog', weight: 35, enabled: true });
    expect(control.routes()[0]?.weight).toBe(35);
    expect(control.version()).toBe(before + 1);
    const disabled = await call(server.url, '/api/routes/catalog', {
      method: 'PATCH',
      token: TOKEN,
      body: JSON.stringify({ enabled: false }),
    });
    expect(disabled.json()['route']).toMatchObject({ weight: 35, enabled: false });
  });

  it('PATCH rejects bad input naming the key, unknown routes with 404, non-JSON with 415', async () => {
    const tooHigh = await call(server.url, '/api/routes/catalog', { method: 'PATCH', token: TOKEN, body: JSON.stringify({ weight: 150 }) });
    expect(tooHigh.status).toBe(400);
    expect(errorOf(tooHigh)).toMatchObject({ code: 'CONFIG_INVALID', key: 'weight' });
    const typo = await call(server.url, '/api/routes/catalog', { method: 'PATCH', token: TOKEN, body: JSON.stringify({ wieght: 5 }) });
    expect(typo.status).toBe(400);
    expect(errorOf(typo)['key']).toBe('wieght');
    expect(String(errorOf(typo)['message'])).toContain('did you mean "weight"');
    const empty = await call(server.url, '/api/routes/catalog', { method: 'PATCH', token: TOKEN, body: '{}' });
    expect(empty.status).toBe(400);
    const unknown = await call(server.url, '/api/routes/nope', { method: 'PATCH', token: TOKEN, body: JSON.stringify({ weight: 5 }) });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)['code']).toBe('PROXY_UNKNOWN_ROUTE');
    const form = await call(server.url, '/api/routes/catalog', {
      method: 'PATCH',
      token: TOKEN,
      body: 'weight=5',
      type: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    const broken = await call(server.url, '/api/routes/catalog', { method: 'PATCH', token: TOKEN, body: '{"weight": ' });
    expect(broken.status).toBe(400);
    expect(errorOf(broken)['code']).toBe('PROXY_ADMIN_BAD_JSON');
    expect(control.routes()[0]?.weight).toBe(35);
  });

  it('PUT replaces the routes, and answers 400 naming the bad key without changing anything', async () => {
    const before = control.version();
    const bad = await call(server.url, '/api/routes', {
      method: 'PUT',
      token: TOKEN,
      body: JSON.stringify({ routes: [{ id: 'orders', match: { path: '/api/orders/**' }, servce: 'catalog' }] }),
    });
    expect(bad.status).toBe(400);
    expect(errorOf(bad)['code']).toBe('CONFIG_INVALID');
    const issues = errorOf(bad)['issues'] as Array<{ path: string }>;
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['routes[0].servce', 'routes[0].service']));
    expect(String(errorOf(bad)['message'])).toContain('routes[0].servce');
    const envelope = await call(server.url, '/api/routes', { method: 'PUT', token: TOKEN, body: JSON.stringify({ routes: [], extra: 1 }) });
    expect(envelope.status).toBe(400);
    expect(errorOf(envelope)['key']).toBe('extra');
    const unknownService = await call(server.url, '/api/routes', {
      method: 'PUT',
      token: TOKEN,
      body: JSON.stringify([{ id: 'orders', match: { path: '/api/orders/**' }, service: 'orders' }]),
    });
    expect(unknownService.status).toBe(400);
    expect(errorOf(unknownService)).toMatchObject({ code: 'CONFIG_UNKNOWN_SERVICE', key: 'routes[0].service' });
    expect(control.version()).toBe(before);

    const good = await call(server.url, '/api/routes', {
      method: 'PUT',
      token: TOKEN,
      body: JSON.stringify({
        routes: [...initialRoutes, { id: 'reviews', match: { path: '/api/reviews/**', methods: ['GET'] }, service: 'catalog', weight: 50 }],
      }),
    });
    expect(good.status).toBe(200);
    expect(good.json()['version']).toBe(before + 1);
    expect(control.routes().map((route) => [route.id, route.weight])).toEqual([
      ['catalog', 10],
      ['reviews', 50],
    ]);
  });

  it('POST /api/reload reloads', async () => {
    const answer = await call(server.url, '/api/reload', { method: 'POST', token: TOKEN });
    expect(answer.status).toBe(200);
    expect(control.reloads).toBe(1);
    expect(answer.json()['version']).toBe(control.version());
  });

  it('serves /metrics in the text format with the token', async () => {
    metrics.onRequest({
      route: 'catalog',
      target: 'catalog',
      instance: instances[0]?.url,
      method: 'GET',
      status: 200,
      durationMs: 3,
      diverted: true,
      fallback: false,
      retries: 0,
    });
    const answer = await call(server.url, '/metrics', { token: TOKEN });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(answer.text);
    expect(sampleValue(parsed, 'strangler_proxy_requests_total', { route: 'catalog', target: 'catalog', class: '2xx' })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_healthy', { service: 'catalog' })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_route_weight_percent', { route: 'reviews' })).toBe(50);
    expect(sampleValue(parsed, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('serves the live page without data and with a strict CSP', async () => {
    const page = await call(server.url, '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'sha256-[^']+'/);
    expect(page.text).not.toMatch(/(src|href)=["']?https?:/);
    expect(page.text).not.toContain('/api/catalog');
  });

  it('never writes the token to its log', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });
});

describe('admin API start-up rules', () => {
  const control = memoryControl(initialRoutes, instances);
  const metrics = createProxyMetrics({ processMetrics: false });

  it('refuses to listen on a non-loopback address without a token', async () => {
    await expect(
      startAdminServer(
        control,
        metrics,
        { listen: { host: '0.0.0.0', port: 0 }, tokenEnv: 'UNSET_ADMIN_TOKEN', metricsPublic: false },
        logger,
        { env: {} },
      ),
    ).rejects.toMatchObject({ code: 'PROXY_ADMIN_NO_TOKEN' });
  });

  it('listens on a non-loopback address when the token is set', async () => {
    const server = await startAdminServer(
      control,
      metrics,
      { listen: { host: '0.0.0.0', port: 0 }, tokenEnv: 'T', metricsPublic: false },
      logger,
      {
        env: { T: TOKEN },
      },
    );
    try {
      const port = new URL(server.url).port;
      expect(server.url).toBe(`http://0.0.0.0:${port}`);
      expect((await call(`http://127.0.0.1:${port}`, '/api/routes', { token: TOKEN })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('on loopback without a token, locks every endpoint but /healthz', async () => {
    const server = await startAdminServer(
      control,
      metrics,
      { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'UNSET_ADMIN_TOKEN', metricsPublic: false },
      logger,
      {
        env: {},
      },
    );
    try {
      expect((await call(server.url, '/healthz')).status).toBe(200);
      const locked = await call(server.url, '/api/routes', { token: 'anything' });
      expect(locked.status).toBe(401);
      expect(errorOf(locked)['code']).toBe('PROXY_ADMIN_LOCKED');
      expect(String(errorOf(locked)['message'])).toContain('UNSET_ADMIN_TOKEN');
    } finally {
      await server.close();
    }
  });

  it('serves /metrics without the token when metricsPublic is set, and still guards the API', async () => {
    const server = await startAdminServer(
      control,
      metrics,
      { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'T', metricsPublic: true },
      logger,
      {
        env: { T: TOKEN },
      },
    );
    try {
      const answer = await call(server.url, '/metrics');
      expect(answer.status).toBe(200);
      expect(parseExposition(answer.text).types.get('strangler_proxy_requests_total')).toBe('counter');
      expect((await call(server.url, '/api/routes')).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('names the port it cannot bind', async () => {
    const first = await startAdminServer(
      control,
      metrics,
      { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'T', metricsPublic: false },
      logger,
      { env: { T: TOKEN } },
    );
    try {
      const port = Number(new URL(first.url).port);
      await expect(
        startAdminServer(control, metrics, { listen: { host: '127.0.0.1', port }, tokenEnv: 'T', metricsPublic: false }, logger, {
          env: { T: TOKEN },
        }),
      ).rejects.toMatchObject({ code: 'PROXY_ADMIN_LISTEN' });
    } finally {
      await first.close();
    }
  });
});
