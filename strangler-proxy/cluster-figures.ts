/**
 * Counters across `--workers N`. Every worker but the first sends its figures (its metric
 * counters and histograms, its route counters, its upstream instances' counters) over the
 * cluster IPC channel every `FIGURES_INTERVAL_MS`; the primary hands them to worker 1, which
 * serves the admin API and /metrics and sums the latest figures of each worker into its
 * own at read time. So a scrape is at most one interval behind on the other workers'
 * traffic. A worker that is replaced starts from zero: its successor's figures replace the
 * old ones, which Prometheus sees as a counter reset.
 */
import type { InstanceStatus, ProxyControl, RouteCounters, RouteStatus } from './control.js';
import type { RegistrySnapshot } from './metrics/registry.js';

export const FIGURES_INTERVAL_MS = 1000;

export interface WorkerFigures {
  /** STRANGLER_WORKER_INDEX of the sender. */
  worker: string;
  metrics: RegistrySnapshot;
  routes: Array<{ id: string; counters: RouteCounters }>;
  instances: Array<Pick<InstanceStatus, 'service' | 'url' | 'inflight' | 'requests' | 'failures'>>;
}

/** The figures a worker sends: its own, not the merged ones. */
export function collectFigures(worker: string, control: ProxyControl, metrics: RegistrySnapshot): WorkerFigures {
  return {
    worker,
    metrics,
    routes: control.routes().map((route) => ({ id: route.id, counters: { ...route.counters } })),
    instances: control
      .instances()
      .map(({ service, url, inflight, requests, failures }) => ({ service, url, inflight, requests, failures })),
  };
}

/** Route statuses with the other workers' counters added (routes they do not know yet are left as they are). */
export function sumRoutes(local: RouteStatus[], others: Iterable<WorkerFigures>): RouteStatus[] {
  const sums = new Map<string, RouteCounters>();
  for (const route of local) sums.set(route.id, { ...route.counters });
  for (const figures of others) {
    for (const { id, counters } of figures.routes) {
      const into = sums.get(id);
      if (into === undefined) continue;
      into.matched += counters.matched;
      into.diverted += counters.diverted;
      into.fallbacks += counters.fallbacks;
      into.errors += counters.errors;
    }
  }
  return local.map((route) => ({ ...route, counters: sums.get(route.id) ?? route.counters }));
}

/** Instance statuses with the other workers' in-flight, request and failure counts added; health stays this worker's view. */
export function sumInstances(local: InstanceStatus[], others: Iterable<WorkerFigures>): InstanceStatus[] {
  const key = (service: string, url: string): string => `${service}\u0000${url}`;
  const sums = new Map<string, InstanceStatus>();
  for (const instance of local) sums.set(key(instance.service, instance.url), { ...instance });
  for (const figures of others) {
    for (const other of figures.instances) {
      const into = sums.get(key(other.service, other.url));
      if (into === undefined) continue;
      into.inflight += other.inflight;
      into.requests += other.requests;
      into.failures += other.failures;
    }
  }
  return [...sums.values()];
}
