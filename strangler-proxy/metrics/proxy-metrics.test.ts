import { describe, expect, it } from 'vitest';
import type { InstanceStatus, ProxyControl, RouteStatus } from '../control.js';
import { parseExposition, sampleValue } from './parse-exposition.js';
import { createProxyMetrics, UNMATCHED_ROUTE } from './proxy-metrics.js';

function route(id: string, overrides: Partial<RouteStatus> = {}): RouteStatus {
  return {
    id,
    match: { path: `/${id}/*`, methods: [], headers: {}, cookies: {} },
    target: 'catalog',
    weight: 25,
    enabled: true,
    counters: { matched: 8, diverted: 2, fallbacks: 0, errors: 0 },
    ...overrides,
  };
}

const instance: InstanceStatus = {
  service: 'catalog',
  url: 'http://127.0.0.1:4001',
  healthy: true,
  ejected: false,
  breaker: 'closed',
  inflight: 3,
  ewmaMs: 1.5,
  requests: 10,
  failures: 0,
};

function fixedControl(routes: RouteStatus[], instances: InstanceStatus[]): ProxyControl {
  return {
    routes: () => routes,
    instances: () => instances,
    replaceRoutes: () => undefined,
    setWeight: () => undefined,
    setEnabled: () => undefined,
    reload: async () => undefined,
    version: () => 4,
    config: () => ({}),
  };
}

const event = { instance: 'http://127.0.0.1:4001', method: 'GET', diverted: true, fallback: false, retries: 0 };

describe('createProxyMetrics', () => {
  it('counts requests by route, target and status class, with errors, fallbacks and latency', () => {
    const metrics = createProxyMetrics({ processMetrics: false });
    metrics.onRequest({ ...event, route: 'catalog', target: 'catalog', status: 200, durationMs: 2 });
    metrics.onRequest({ ...event, route: 'catalog', target: 'catalog', status: 503, durationMs: 4 });
    metrics.onRequest({ ...event, route: 'catalog', target: 'monolith', status: 200, durationMs: 9, fallback: true, retries: 2 });
    metrics.onRequest({ ...event, route: undefined, target: 'monolith', status: 404, durationMs: 1, diverted: false });

    const parsed = parseExposition(metrics.expose());
    const count = (labels: Record<string, string>): number | undefined => sampleValue(parsed, 'strangler_proxy_requests_total', labels);
    expect(count({ route: 'catalog', target: 'catalog', class: '2xx' })).toBe(1);
    expect(count({ route: 'catalog', target: 'catalog', class: '5xx' })).toBe(1);
    expect(count({ route: 'catalog', target: 'monolith', class: '2xx' })).toBe(1);
    expect(count({ route: UNMATCHED_ROUTE, target: 'monolith', class: '4xx' })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_errors_total', { route: 'catalog', target: 'catalog' })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_fallbacks_total', { route: 'catalog', target: 'monolith' })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_retries_total', { route: 'catalog', target: 'monolith' })).toBe(2);
    expect(sampleValue(parsed, 'strangler_proxy_request_duration_seconds_count', { route: 'catalog', target: 'catalog' })).toBe(2);
    expect(sampleValue(parsed, 'strangler_proxy_request_duration_seconds_sum', { route: 'catalog', target: 'catalog' })).toBeCloseTo(0.006);
    expect(
      sampleValue(parsed, 'strangler_proxy_request_duration_seconds_bucket', { route: 'catalog', target: 'catalog', le: '0.0025' }),
    ).toBe(1);
    expect(parsed.types.get('strangler_proxy_request_duration_seconds')).toBe('histogram');
  });

  it('reads weights, diverted share and instance health from the control at scrape time', () => {
    const metrics = createProxyMetrics({ processMetrics: false });
    const down: InstanceStatus = {
      ...instance,
      url: 'http://127.0.0.1:4002',
      healthy: true,
      breaker: 'open',
      inflight: 0,
      pool: { connections: 4, idle: 1, queued: 2 },
    };
    metrics.attach(fixedControl([route('catalog'), route('orders', { enabled: false, weight: 0 })], [instance, down]));
    const parsed = parseExposition(metrics.expose());
    expect(sampleValue(parsed, 'strangler_proxy_route_weight_percent', { route: 'catalog', service: 'catalog' })).toBe(25);
    expect(sampleValue(parsed, 'strangler_proxy_route_enabled', { route: 'orders' })).toBe(0);
    expect(sampleValue(parsed, 'strangler_proxy_route_diverted_ratio', { route: 'catalog' })).toBe(0.25);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_healthy', { instance: instance.url })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_healthy', { instance: down.url })).toBe(0);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_breaker_open', { instance: down.url })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_in_flight', { instance: instance.url })).toBe(3);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_connections', { instance: down.url })).toBe(4);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_idle_connections', { instance: down.url })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_queued', { instance: down.url })).toBe(2);
    // An instance on undici has no pool figures: no series rather than a made-up 0.
    expect(sampleValue(parsed, 'strangler_proxy_upstream_connections', { instance: instance.url })).toBeUndefined();
    expect(sampleValue(parsed, 'strangler_proxy_upstream_latency_ewma_seconds', { instance: instance.url })).toBe(0.0015);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_requests_total', { instance: instance.url })).toBe(10);
    expect(sampleValue(parsed, 'strangler_proxy_upstream_failures_total', { instance: instance.url })).toBe(0);
    expect(parsed.types.get('strangler_proxy_upstream_requests_total')).toBe('counter');
    expect(sampleValue(parsed, 'strangler_proxy_config_version')).toBe(4);
  });

  it('forgets the series of routes a reload removed', () => {
    const metrics = createProxyMetrics({ processMetrics: false });
    const routes = [route('catalog'), route('orders')];
    metrics.attach(fixedControl(routes, []));
    metrics.onRequest({ ...event, route: 'orders', target: 'catalog', status: 200, durationMs: 1 });
    routes.pop();
    metrics.onReload?.(5);
    const parsed = parseExposition(metrics.expose());
    expect(parsed.samples.some((sample) => sample.labels['route'] === 'orders')).toBe(false);
    expect(sampleValue(parsed, 'strangler_proxy_reloads_total')).toBe(1);
  });

  it('counts shadow outcomes and what differed, per route', () => {
    const metrics = createProxyMetrics({ processMetrics: false });
    const shadow = {
      route: 'catalog',
      primary: 'monolith',
      shadow: 'catalog',
      method: 'GET',
      primaryStatus: 200,
      shadowStatus: 200,
      shadowMs: 2,
      detail: undefined,
    };
    metrics.onShadow?.({ ...shadow, outcome: 'matched', reasons: [] });
    metrics.onShadow?.({ ...shadow, outcome: 'mismatched', reasons: ['status', 'body'] });
    metrics.onShadow?.({ ...shadow, outcome: 'mismatched', reasons: ['body'] });
    const parsed = parseExposition(metrics.expose());
    expect(sampleValue(parsed, 'strangler_proxy_shadow_total', { route: 'catalog', outcome: 'matched' })).toBe(1);
    expect(sampleValue(parsed, 'strangler_proxy_shadow_total', { route: 'catalog', outcome: 'mismatched' })).toBe(2);
    expect(sampleValue(parsed, 'strangler_proxy_shadow_mismatches_total', { route: 'catalog', reason: 'body' })).toBe(2);
    expect(sampleValue(parsed, 'strangler_proxy_shadow_mismatches_total', { route: 'catalog', reason: 'status' })).toBe(1);
  });

  it('exposes process metrics', () => {
    const metrics = createProxyMetrics();
    const parsed = parseExposition(metrics.expose());
    metrics.stop();
    expect(sampleValue(parsed, 'process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(sampleValue(parsed, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('counts garbage-collection pauses by kind as they happen', async () => {
    const metrics = createProxyMetrics();
    const before = sampleValue(parseExposition(metrics.expose()), 'nodejs_gc_duration_seconds_count', { kind: 'minor' }) ?? 0;
    // Short-lived garbage, enough to fill the young generation many times over: scavenges.
    let held: object[] = [];
    let made = 0;
    for (let round = 0; round < 300_000; round++) {
      held.push({ round, text: String(round) });
      made++;
      if (held.length > 1000) held = [];
    }
    expect(made).toBe(300_000);
    // The observer's entries arrive in a later task.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const parsed = parseExposition(metrics.expose());
    metrics.stop();
    const count = sampleValue(parsed, 'nodejs_gc_duration_seconds_count', { kind: 'minor' }) ?? 0;
    expect(count).toBeGreaterThan(before);
    expect(sampleValue(parsed, 'nodejs_gc_duration_seconds_sum', { kind: 'minor' })).toBeGreaterThan(0);
    expect(sampleValue(parsed, 'nodejs_gc_duration_seconds_bucket', { kind: 'minor', le: '+Inf' })).toBe(count);
    // Every kind is exposed from the start, so a dashboard's rate() has a series before the first full GC.
    expect(sampleValue(parsed, 'nodejs_gc_duration_seconds_count', { kind: 'major' })).toBeTypeOf('number');
  });
});

describe('parseExposition', () => {
  it('reads escaped labels and special values', () => {
    const parsed = parseExposition('# TYPE x gauge\nx{a="q\\"u\\\\o\\nte",b="2"} +Inf\nx{a="",b="3"} 1.5e-3 1700000000\n');
    expect(parsed.samples).toEqual([
      { name: 'x', labels: { a: 'q"u\\o\nte', b: '2' }, value: Infinity },
      { name: 'x', labels: { a: '', b: '3' }, value: 0.0015 },
    ]);
  });

  it('rejects what a scraper rejects', () => {
    expect(() => parseExposition('x 1')).toThrow(/line feed/);
    expect(() => parseExposition('x one\n')).toThrow(/not a number/);
    expect(() => parseExposition('x 1\n# TYPE x gauge\n')).toThrow(/after its samples/);
    expect(() => parseExposition('x{a=1} 1\n')).toThrow(/cannot parse labels/);
  });
});
