/**
 * Process metrics: resident memory, heap, event-loop delay (from
 * `perf_hooks.monitorEventLoopDelay`, a histogram sampled by libuv) and start time, read at
 * scrape time, and every garbage-collection pause as it happens (a `gc` PerformanceObserver).
 * Names follow the Prometheus client conventions (`process_resident_memory_bytes`,
 * `nodejs_eventloop_lag_*`, `nodejs_gc_duration_seconds{kind}`) so existing dashboards find them.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { Registry } from './registry.js';

/** GC kinds by perf_hooks' constant; `minor` are the scavenges that stop a busy proxy most often. */
const GC_KINDS = new Map<number, string>([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);
/** Finer than request buckets at the low end: a scavenge takes a fraction of a millisecond to a few. */
const GC_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1];

export interface ProcessMetrics {
  /** Stops the event-loop monitor and the GC observer. */
  stop(): void;
}

export function registerProcessMetrics(registry: Registry, options: { resolutionMs?: number } = {}): ProcessMetrics {
  const rss = registry.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' }).labels();
  const heap = registry.gauge({ name: 'nodejs_heap_used_bytes', help: 'V8 heap in use, in bytes.' }).labels();
  const start = registry
    .gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch, in seconds.' })
    .labels();
  const lagMean = registry
    .gauge({ name: 'nodejs_eventloop_lag_mean_seconds', help: 'Mean event-loop delay since the last scrape, in seconds.' })
    .labels();
  const lagMax = registry
    .gauge({ name: 'nodejs_eventloop_lag_max_seconds', help: 'Largest event-loop delay since the last scrape, in seconds.' })
    .labels();
  const lagP99 = registry
    .gauge({ name: 'nodejs_eventloop_lag_p99_seconds', help: '99th percentile of event-loop delay since the last scrape, in seconds.' })
    .labels();

  const gc = registry.histogram({
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage-collection pauses in seconds, by kind (minor: scavenges of the young generation).',
    labelNames: ['kind'],
    buckets: GC_BUCKETS,
  });
  // Every kind's series exists from the start, so a dashboard's rate() has one before the first full GC.
  const gcByKind = new Map([...GC_KINDS].map(([constant, kind]) => [constant, gc.labels(kind)]));
  const gcOther = gc.labels('other');
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail;
      (gcByKind.get(detail?.kind ?? -1) ?? gcOther).observe(entry.duration / 1000);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  start.set(Math.round(Date.now() / 1000 - process.uptime()));
  const monitor: IntervalHistogram = monitorEventLoopDelay({ resolution: options.resolutionMs ?? 10 });
  monitor.enable();

  registry.onCollect(() => {
    const memory = process.memoryUsage();
    rss.set(memory.rss);
    heap.set(memory.heapUsed);
    // The monitor reports nanoseconds; NaN until the first sample.
    const toSeconds = (ns: number): number => (Number.isFinite(ns) ? ns / 1e9 : 0);
    lagMean.set(toSeconds(monitor.mean));
    lagMax.set(toSeconds(monitor.count > 0 ? monitor.max : 0));
    lagP99.set(toSeconds(monitor.count > 0 ? monitor.percentile(99) : 0));
    monitor.reset();
  });

  return {
    stop: () => {
      monitor.disable();
      gcObserver.disconnect();
    },
  };
}
