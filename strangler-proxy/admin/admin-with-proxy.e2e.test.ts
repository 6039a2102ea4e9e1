/**
 * The admin API of a real `strangler proxy` process (the real ProxyControl) in front of
 * two real upstreams: a weight change made over the admin API moves live traffic, and
 * /metrics counts what the proxy did.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../../test/helpers/processes.js';
import { parseExposition, sampleValue } from '../metrics/parse-exposition.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TOKEN = 'e2e-admin-token-9f8e7d6c5b4a';

function upstream(name: string): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(name);
  });
  return new Promise((resolveServer) => server.listen(0, '127.0.0.1', () => resolveServer(server)));
}
const origin = (server: Server): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('admin API on a running strangler proxy', () => {
  let monolith: Server;
  let catalog: Server;
  let proxy: ServiceProcess;
  let adminUrl: string;
  const dir = mkdtempSync(join(tmpdir(), 'strangler-admin-e2e-'));

  const admin = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string | null } = {},
  ): Promise<{ status: number; text: string }> => {
    const token = init.token === undefined ? TOKEN : init.token;
    const response = await fetch(adminUrl + path, {
      method: init.method ?? 'GET',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, text: await response.text() };
  };
  const hits = async (count: number): Promise<string[]> => {
    const answers: string[] = [];
    for (let i = 0; i < count; i++) answers.push(await (await fetch(`${proxy.baseUrl}/api/catalog/items/${i}`)).text());
    return answers;
  };

  beforeAll(async () => {
    monolith = await upstream('monolith');
    catalog = await upstream('catalog');
    const config = join(dir, 'strangler.yaml');
    writeFileSync(
      config,
      [
        'listen: { host: 127.0.0.1, port: 0 }',
        `monolith: { instances: ['${origin(monolith)}'] }`,
        `services: { catalog: { instances: ['${origin(catalog)}'] } }`,
        'routes:',
        "  - { id: catalog, match: { path: '/api/catalog/**' }, service: catalog, weight: 0 }",
        'accessLog: false',
        'admin: { listen: { host: 127.0.0.1, port: 0 } }',
        '',
      ].join('\n'),
    );
    proxy = await startService({
      cwd: ROOT,
      entry: 'cli/main.ts',
      args: ['proxy', '--config', config],
      env: { STRANGLER_ADMIN_TOKEN: TOKEN },
    });
    const match = /admin API and \/metrics on (http:\/\/\S+)/.exec(proxy.output());
    if (!match?.[1]) throw new Error(`no admin URL in the proxy's output:\n${proxy.output()}`);
    adminUrl = match[1];
  });
  afterAll(async () => {
    await proxy?.stop();
    for (const server of [monolith, catalog]) {
      server?.closeAllConnections();
      server?.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds the admin API to 127.0.0.1 and refuses requests without the token', async () => {
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await admin('/api/routes', { token: null })).status).toBe(401);
    expect((await admin('/api/routes', { token: 'wrong' })).status).toBe(401);
    expect((await admin('/metrics', { token: null })).status).toBe(401);
    expect(proxy.output()).not.toContain(TOKEN);
  });

  it('moves traffic with PATCH weight and counts it in /metrics', async () => {
    expect(new Set(await hits(5))).toEqual(new Set(['monolith']));
    const patched = await admin('/api/routes/catalog', { method: 'PATCH', body: { weight: 100 } });
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.text)).toMatchObject({ route: { id: 'catalog', weight: 100, enabled: true } });
    expect(new Set(await hits(7))).toEqual(new Set(['catalog']));

    const metrics = await admin('/metrics');
    expect(metrics.status).toBe(200);
    const parsed = parseExposition(metrics.text);
    expect(sampleValue(parsed, 'strangler_proxy_requests_total', { route: 'catalog', target: 'catalog', class: '2xx' })).toBe(7);
    expect(sampleValue(parsed, 'strangler_proxy_requests_total', { route: 'catalog', target: 'monolith', class: '2xx' })).toBe(5);
    expect(sampleValue(parsed, 'strangler_proxy_route_weight_percent', { route: 'catalog' })).toBe(100);
    expect(sampleValue(parsed, 'strangler_proxy_route_diverted_ratio', { route: 'catalog' })).toBeCloseTo(7 / 12);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_healthy', { service: 'catalog', instance: origin(catalog) })).toBe(1);
    // The builtin client's pool: the connections the hits used, all idle between requests.
    const open = sampleValue(parsed, 'strangler_proxy_upstream_connections', { service: 'catalog', instance: origin(catalog) }) ?? 0;
    expect(open).toBeGreaterThanOrEqual(1);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_idle_connections', { service: 'catalog', instance: origin(catalog) })).toBe(open);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_queued', { service: 'catalog', instance: origin(catalog) })).toBe(0);

    const routes = JSON.parse((await admin('/api/routes')).text) as {
      routes: Array<{ id: string; counters: { matched: number; diverted: number } }>;
    };
    expect(routes.routes[0]?.counters).toMatchObject({ matched: 12, diverted: 7 });
    const instances = JSON.parse((await admin('/api/instances')).text) as {
      instances: Array<{ service: string; url: string; pool?: { connections: number; idle: number; queued: number } }>;
    };
    expect(instances.instances.map((instance) => instance.service).sort()).toEqual(['catalog', 'monolith']);
    expect(instances.instances.find((instance) => instance.service === 'catalog')?.pool).toEqual({
      connections: open,
      idle: open,
      queued: 0,
    });
  });

  it('disables a route, and rejects a bad route table naming the key', async () => {
    expect((await admin('/api/routes/catalog', { method: 'PATCH', body: { enabled: false } })).status).toBe(200);
    expect(new Set(await hits(3))).toEqual(new Set(['monolith']));
    const bad = await admin('/api/routes', { method: 'PUT', body: { routes: [{ id: 'x', match: { path: '/x/**' }, servce: 'catalog' }] } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('servce');
    const unknown = await admin('/api/routes', {
      method: 'PUT',
      body: { routes: [{ id: 'x', match: { path: '/x/**' }, service: 'nope' }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('nope');
    expect(JSON.parse((await admin('/api/routes')).text)).toMatchObject({ routes: [{ id: 'catalog', enabled: false }] });
  });
});
