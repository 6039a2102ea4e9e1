/**
 * The proxy's Prometheus metrics. The data plane calls `onRequest` (the `ProxyObserver` of
 * control.ts) once per request; that path does two map lookups on strings it already has
 * and a few number adds: every label set is bound once, the first time a route and target
 * are seen. Route and instance state (weight, share diverted, health, in-flight) is read
 * from `ProxyControl` at scrape time.
 */
import type { ProxyControl, ProxyObserver, RequestEvent, ShadowEvent } from '../control.js';
import { registerProcessMetrics } from './process-metrics.js';
import { Registry, type CounterChild, type HistogramChild, type RegistrySnapshot } from './registry.js';

/** The `route` label of requests that matched no route (they go to the monolith). */
export const UNMATCHED_ROUTE = '(none)';

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export interface ProxyMetrics extends ProxyObserver {
  readonly registry: Registry;
  /** Lets scrapes read routes and instances from the running proxy. Call once it exists. */
  attach(control: ProxyControl): void;
  /** The text exposition of every metric. */
  expose(): string;
  /** The per-request counters and histograms as plain data, for another process to sum in. */
  snapshot(): RegistrySnapshot;
  /** Sums `snapshot` (the latest from process `source`, e.g. a cluster worker) into every exposition. */
  merge(source: string, snapshot: RegistrySnapshot): void;
  /** Stops the event-loop monitor. */
  stop(): void;
}

interface Bound {
  byClass: CounterChild[];
  errors: CounterChild;
  fallbacks: CounterChild;
  retries: CounterChild;
  duration: HistogramChild;
}

export interface ProxyMetricsOptions {
  registry?: Registry;
  /** Register process metrics (RSS, heap, event-loop lag). Default true. */
  processMetrics?: boolean;
  /** Latency buckets in seconds. */
  buckets?: readonly number[];
  /** This process's name in `strangler_proxy_worker_requests_total` (the worker index). Default "1". */
  worker?: string;
}

export function createProxyMetrics(options: ProxyMetricsOptions = {}): ProxyMetrics {
  const registry = options.registry ?? new Registry();
  const requests = registry.counter({
    name: 'strangler_proxy_requests_total',
    help: 'Requests answered, by route, the target that answered (a service or "monolith") and status class.',
    labelNames: ['route', 'target', 'class'],
  });
  const errors = registry.counter({
    name: 'strangler_proxy_errors_total',
    help: 'Responses with status >= 500 sent to clients (including the proxy’s own 502/503/504), by route and target.',
    labelNames: ['route', 'target'],
  });
  const fallbacks = registry.counter({
    name: 'strangler_proxy_fallbacks_total',
    help: 'Requests whose service failed and that the monolith answered instead, by route and the target that answered.',
    labelNames: ['route', 'target'],
  });
  const retries = registry.counter({
    name: 'strangler_proxy_retries_total',
    help: 'Retries spent, by route and target.',
    labelNames: ['route', 'target'],
  });
  const duration = registry.histogram({
    name: 'strangler_proxy_request_duration_seconds',
    help: 'Time from request received to response finished, in seconds, by route and target.',
    labelNames: ['route', 'target'],
    ...(options.buckets ? { buckets: options.buckets } : {}),
  });
  const weight = registry.gauge({
    name: 'strangler_proxy_route_weight_percent',
    help: 'Configured share (0..100) of matching traffic to divert to the route’s service.',
    labelNames: ['route', 'service'],
  });
  const enabled = registry.gauge({ name: 'strangler_proxy_route_enabled', help: '1 when the route is enabled.', labelNames: ['route'] });
  const divertedShare = registry.gauge({
    name: 'strangler_proxy_route_diverted_ratio',
    help: 'Share (0..1) of the route’s matched requests that were sent to its service since the route appeared.',
    labelNames: ['route', 'service'],
  });
  const healthy = registry.gauge({
    name: 'strangler_proxy_upstream_healthy',
    help: '1 when the instance passes its health check, is not ejected and its breaker is not open.',
    labelNames: ['service', 'instance'],
  });
  const breakerOpen = registry.gauge({
    name: 'strangler_proxy_upstream_breaker_open',
    help: '1 when the instance’s circuit breaker is open, 0.5 half-open, 0 closed.',
    labelNames: ['service', 'instance'],
  });
  const inFlight = registry.gauge({
    name: 'strangler_proxy_upstream_in_flight',
    help: 'Requests in flight to the instance.',
    labelNames: ['service', 'instance'],
  });
  const connections = registry.gauge({
    name: 'strangler_proxy_upstream_connections',
    help: 'Open keep-alive connections to the instance (builtin client), idle or busy.',
    labelNames: ['service', 'instance'],
  });
  const idleConnections = registry.gauge({
    name: 'strangler_proxy_upstream_idle_connections',
    help: 'Idle keep-alive connections to the instance (builtin client).',
    labelNames: ['service', 'instance'],
  });
  const queued = registry.gauge({
    name: 'strangler_proxy_upstream_queued',
    help: 'Requests waiting for a connection to the instance: its pool is at pool.connections (builtin client).',
    labelNames: ['service', 'instance'],
  });
  const ewma = registry.gauge({
    name: 'strangler_proxy_upstream_latency_ewma_seconds',
    help: 'Moving average of the instance’s response-header latency, in seconds.',
    labelNames: ['service', 'instance'],
  });
  const upstreamRequests = registry.counter({
    name: 'strangler_proxy_upstream_requests_total',
    help: 'Requests sent to the instance since it appeared.',
    labelNames: ['service', 'instance'],
  });
  const upstreamFailures = registry.counter({
    name: 'strangler_proxy_upstream_failures_total',
    help: 'Requests to the instance that failed (connection errors, timeouts) since it appeared.',
    labelNames: ['service', 'instance'],
  });
  const shadowOutcomes = registry.counter({
    name: 'strangler_proxy_shadow_total',
    help: 'Shadow copies by route and outcome (matched, mismatched, too-large, error, skipped).',
    labelNames: ['route', 'outcome'],
  });
  const shadowMismatches = registry.counter({
    name: 'strangler_proxy_shadow_mismatches_total',
    help: 'Shadow comparisons that differed, by route and what differed (status, headers, body).',
    labelNames: ['route', 'reason'],
  });
  const configVersion = registry.gauge({ name: 'strangler_proxy_config_version', help: 'Version of the config in effect.' }).labels();
  const reloads = registry.counter({ name: 'strangler_proxy_reloads_total', help: 'Configs applied since start.' }).labels();
  const processes = registry
    .gauge({
      name: 'strangler_proxy_processes',
      help: 'Proxy processes whose request counters are summed here: 1, or with --workers N the workers that have reported.',
    })
    .labels();
  const workerRequests = registry.counter({
    name: 'strangler_proxy_worker_requests_total',
    help: 'Requests answered, by the worker process that answered them (with --workers N; "1" otherwise).',
    labelNames: ['worker'],
  });
  const ownName = options.worker ?? '1';
  /** Requests of each other process, from its latest snapshot. */
  const othersRequests = new Map<string, number>();
  /** Fed by the data plane of each process, so summed across workers (reloads and gauges are this process's own). */
  const shared = new Set([requests, errors, fallbacks, retries, duration, shadowOutcomes, shadowMismatches].map((family) => family.name));

  const processMetrics = options.processMetrics === false ? undefined : registerProcessMetrics(registry);
  const bound = new Map<string, Map<string, Bound>>();
  let control: ProxyControl | undefined;

  const bind = (route: string, target: string): Bound => {
    const entry: Bound = {
      byClass: STATUS_CLASSES.map((statusClass) => requests.labels(route, target, statusClass)),
      errors: errors.labels(route, target),
      fallbacks: fallbacks.labels(route, target),
      retries: retries.labels(route, target),
      duration: duration.labels(route, target),
    };
    let targets = bound.get(route);
    if (!targets) bound.set(route, (targets = new Map()));
    targets.set(target, entry);
    return entry;
  };

  const forgetRoute = (route: string): void => {
    const targets = bound.get(route);
    if (!targets) return;
    for (const target of targets.keys()) {
      for (const statusClass of STATUS_CLASSES) requests.remove(route, target, statusClass);
      for (const family of [errors, fallbacks, retries, duration]) family.remove(route, target);
    }
    bound.delete(route);
  };

  registry.onCollect(() => {
    processes.set(1 + registry.mergedSources);
    let own = 0;
    for (const child of requests.children()) own += child.value;
    workerRequests.labels(ownName).value = own;
    for (const [source, count] of othersRequests) workerRequests.labels(source).value = count;
    if (!control) return;
    configVersion.set(control.version());
    weight.clear();
    enabled.clear();
    divertedShare.clear();
    for (const route of control.routes()) {
      weight.labels(route.id, route.target).set(route.weight);
      enabled.labels(route.id).set(route.enabled ? 1 : 0);
      const { matched, diverted } = route.counters;
      divertedShare.labels(route.id, route.target).set(matched === 0 ? 0 : diverted / matched);
    }
    for (const family of [healthy, breakerOpen, inFlight, ewma, upstreamRequests, upstreamFailures, connections, idleConnections, queued])
      family.clear();
    for (const instance of control.instances()) {
      const up = instance.healthy && !instance.ejected && instance.breaker !== 'open';
      healthy.labels(instance.service, instance.url).set(up ? 1 : 0);
      breakerOpen.labels(instance.service, instance.url).set(instance.breaker === 'open' ? 1 : instance.breaker === 'half-open' ? 0.5 : 0);
      inFlight.labels(instance.service, instance.url).set(instance.inflight);
      if (instance.pool !== undefined) {
        connections.labels(instance.service, instance.url).set(instance.pool.connections);
        idleConnections.labels(instance.service, instance.url).set(instance.pool.idle);
        queued.labels(instance.service, instance.url).set(instance.pool.queued);
      }
      ewma.labels(instance.service, instance.url).set(instance.ewmaMs / 1000);
      // Counted by the data plane; copied here at scrape time.
      upstreamRequests.labels(instance.service, instance.url).value = instance.requests;
      upstreamFailures.labels(instance.service, instance.url).value = instance.failures;
    }
  });

  return {
    registry,
    onRequest(event: RequestEvent): void {
      const route = event.route ?? UNMATCHED_ROUTE;
      const entry = bound.get(route)?.get(event.target) ?? bind(route, event.target);
      const statusClass = (event.status / 100) | 0;
      // Statuses outside 100..599 (never sent by a correct server) are counted as 5xx.
      const counter = entry.byClass[statusClass >= 1 && statusClass <= 5 ? statusClass - 1 : 4] as CounterChild;
      counter.value++;
      if (event.status >= 500) entry.errors.value++;
      if (event.fallback) entry.fallbacks.value++;
      if (event.retries > 0) entry.retries.value += event.retries;
      entry.duration.observe(event.durationMs / 1000);
    },
    onShadow(event: ShadowEvent): void {
      shadowOutcomes.labels(event.route, event.outcome).inc();
      for (const reason of event.reasons) shadowMismatches.labels(event.route, reason).inc();
    },
    onReload(version: number): void {
      reloads.inc();
      configVersion.set(version);
      if (!control) return;
      const live = new Set(control.routes().map((route) => route.id));
      for (const route of [...bound.keys()]) if (route !== UNMATCHED_ROUTE && !live.has(route)) forgetRoute(route);
    },
    attach(next: ProxyControl): void {
      control = next;
    },
    expose: () => registry.expose(),
    snapshot: () => registry.snapshot(shared),
    merge(source, snapshot) {
      registry.merge(source, snapshot);
      let count = 0;
      for (const family of snapshot) {
        if (family.name === requests.name && family.type === 'counter') for (const child of family.children) count += child.value;
      }
      othersRequests.set(source, count);
    },
    stop: () => processMetrics?.stop(),
  };
}
