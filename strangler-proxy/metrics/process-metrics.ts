/**
 * Process metrics read at scrape time: resident memory, heap, event-loop delay (from
 * `perf_hooks.monitorEventLoopDelay`, a histogram sampled by libuv) and start time. Names
 * follow the Prometheus client conventions (`process_resident_memory_bytes`,
 * `nodejs_eventloop_lag_*`) so existing dashboards find them.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Registry } from './registry.js';

export interface ProcessMetrics {
  /** Stops the event-loop monitor. */
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

  return { stop: () => monitor.disable() };
}
