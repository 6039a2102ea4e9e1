import { describe, expect, it } from 'vitest';
import { sumInstances, sumRoutes, type WorkerFigures } from './cluster-figures.js';
import type { InstanceStatus, RouteStatus } from './control.js';

const route = (id: string, matched: number, diverted: number): RouteStatus => ({
  id,
  match: { path: `/${id}/**`, methods: [], headers: {}, cookies: {} },
  target: 'catalog',
  weight: 50,
  enabled: true,
  counters: { matched, diverted, fallbacks: 1, errors: 0 },
});

const instance = (url: string, requests: number, healthy: boolean): InstanceStatus => ({
  service: 'catalog',
  url,
  healthy,
  ejected: false,
  breaker: 'closed',
  inflight: 1,
  ewmaMs: 2,
  requests,
  failures: 1,
});

const figures = (worker: string, matched: number): WorkerFigures => ({
  worker,
  metrics: [],
  routes: [
    { id: 'a', counters: { matched, diverted: matched / 2, fallbacks: 0, errors: 2 } },
    { id: 'gone', counters: { matched: 99, diverted: 99, fallbacks: 0, errors: 0 } },
  ],
  instances: [
    { service: 'catalog', url: 'http://a', inflight: 2, requests: matched, failures: 0, pool: { connections: 3, idle: 1, queued: 4 } },
    { service: 'other', url: 'http://a', inflight: 5, requests: 5, failures: 5 },
  ],
});

describe('cluster figures', () => {
  it('adds the other workers’ route counters to this worker’s routes, and only to routes it has', () => {
    const local = [route('a', 10, 4), route('b', 3, 3)];
    const summed = sumRoutes(local, [figures('2', 20), figures('3', 6)]);
    expect(summed.map((r) => [r.id, r.counters])).toEqual([
      ['a', { matched: 36, diverted: 17, fallbacks: 1, errors: 4 }],
      ['b', { matched: 3, diverted: 3, fallbacks: 1, errors: 0 }],
    ]);
    // The local statuses are not changed in place.
    expect(local[0]?.counters.matched).toBe(10);
  });

  it('adds in-flight, requests and failures per instance; health stays this worker’s view', () => {
    const summed = sumInstances([instance('http://a', 7, false), instance('http://b', 1, true)], [figures('2', 20)]);
    expect(summed.map(({ url, inflight, requests, failures, healthy }) => ({ url, inflight, requests, failures, healthy }))).toEqual([
      { url: 'http://a', inflight: 3, requests: 27, failures: 1, healthy: false },
      { url: 'http://b', inflight: 1, requests: 1, failures: 1, healthy: true },
    ]);
  });

  it('adds the workers’ connection pools of an instance, without changing this worker’s status in place', () => {
    const local = { ...instance('http://a', 7, false), pool: { connections: 2, idle: 2, queued: 0 } };
    const summed = sumInstances([local], [figures('2', 20), figures('3', 6)]);
    expect(summed[0]?.pool).toEqual({ connections: 8, idle: 4, queued: 8 });
    expect(local.pool).toEqual({ connections: 2, idle: 2, queued: 0 });
  });
});
