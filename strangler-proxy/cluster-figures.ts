/**
 * Counters across `--workers N`. Every worker but the first sends its figures (its metric
 * counters and histograms, its route counters, its upstream instances' counters, its shadow
 * totals and latest mismatch samples) over the cluster IPC channel every
 * `FIGURES_INTERVAL_MS`; the primary hands them to worker 1, which serves the admin API and
 * /metrics and sums the latest figures of each worker into its own at read time. So a
 * scrape is at most one interval behind on the other workers' traffic. A worker that is
 * replaced starts from zero: its successor's figures replace the old ones, which
 * Prometheus sees as a counter reset (and its old samples are gone).
 */
import type {
  InstanceStatus,
  ProxyControl,
  RouteCounters,
  RouteStatus,
  ShadowMismatchReason,
  ShadowReport,
  ShadowSample,
  ShadowTotals,
} from './control.js';
import type { RegistrySnapshot } from './metrics/registry.js';

export const FIGURES_INTERVAL_MS = 1000;

/** Mismatch samples a worker sends with its figures: its latest ones, so that a message stays small. */
export const SHARED_SAMPLES = 20;

/** A worker's shadow report as it travels: totals per route and its latest `SHARED_SAMPLES` samples (already redacted). */
export interface WorkerShadow {
  routes: Array<{ route: string; totals: ShadowTotals }>;
  samples: ShadowSample[];
}

/** A mismatch sample in worker 1's merged report, with the worker (STRANGLER_WORKER_INDEX) that saw it. */
export type WorkerShadowSample = ShadowSample & { worker: string };

export interface WorkerFigures {
  /** STRANGLER_WORKER_INDEX of the sender. */
  worker: string;
  metrics: RegistrySnapshot;
  routes: Array<{ id: string; counters: RouteCounters }>;
  instances: Array<Pick<InstanceStatus, 'service' | 'url' | 'inflight' | 'requests' | 'failures' | 'pool'>>;
  /** Absent from a control without shadow reports. */
  shadow?: WorkerShadow;
}

/** The figures a worker sends: its own, not the merged ones. */
export function collectFigures(worker: string, control: ProxyControl, metrics: RegistrySnapshot): WorkerFigures {
  const shadow = control.shadowReport?.();
  return {
    worker,
    metrics,
    routes: control.routes().map((route) => ({ id: route.id, counters: { ...route.counters } })),
    instances: control.instances().map(({ service, url, inflight, requests, failures, pool }) => ({
      service,
      url,
      inflight,
      requests,
      failures,
      ...(pool === undefined ? {} : { pool: { ...pool } }),
    })),
    ...(shadow === undefined
      ? {}
      : {
          shadow: {
            routes: shadow.routes.map(({ route, totals }) => ({ route, totals })),
            samples: shadow.samples.slice(-SHARED_SAMPLES),
          },
        }),
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

/** Instance statuses with the other workers' in-flight, request and failure counts (and pools) added; health stays this worker's view. */
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
      const pool = other.pool;
      if (pool !== undefined) {
        const mine = into.pool ?? { connections: 0, idle: 0, queued: 0 };
        into.pool = { connections: mine.connections + pool.connections, idle: mine.idle + pool.idle, queued: mine.queued + pool.queued };
      }
    }
  }
  return [...sums.values()];
}

const COUNTS = ['shadowed', 'matched', 'mismatched', 'tooLarge', 'errors', 'timeouts', 'skipped'] as const;
const REASONS: readonly ShadowMismatchReason[] = ['status', 'headers', 'body'];
const SKIPS = ['method', 'body', 'busy', 'primary'] as const;

function addTotals(into: ShadowTotals, from: ShadowTotals): void {
  for (const key of COUNTS) into[key] += from[key];
  for (const key of REASONS) into.mismatchedBy[key] += from.mismatchedBy[key];
  for (const key of SKIPS) into.skippedBy[key] += from.skippedBy[key];
}

/**
 * Worker 1's shadow report with the other workers' totals added (to the routes it has) and
 * their samples merged in, oldest first, each naming its worker: worker 1's latest 50 and
 * every other worker's latest `SHARED_SAMPLES`.
 */
export function sumShadow(local: ShadowReport, worker: string, others: Iterable<WorkerFigures>): ShadowReport {
  const routes = local.routes.map((entry) => ({
    ...entry,
    totals: { ...entry.totals, mismatchedBy: { ...entry.totals.mismatchedBy }, skippedBy: { ...entry.totals.skippedBy } },
  }));
  const byRoute = new Map(routes.map((entry) => [entry.route, entry.totals]));
  const samples: WorkerShadowSample[] = local.samples.map((sample) => ({ ...sample, worker }));
  for (const figures of others) {
    if (figures.shadow === undefined) continue;
    for (const { route, totals } of figures.shadow.routes) {
      const into = byRoute.get(route);
      if (into !== undefined) addTotals(into, totals);
    }
    for (const sample of figures.shadow.samples) samples.push({ ...sample, worker: figures.worker });
  }
  samples.sort((a, b) => a.at - b.at);
  return { routes, samples };
}
