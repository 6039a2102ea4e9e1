/** Prometheus metrics of the proxy: a small registry, the proxy's observer, a strict exposition reader. */
export { Registry, Counter, Gauge, Histogram, DEFAULT_SECONDS_BUCKETS, type FamilyOptions, type HistogramOptions } from './registry.js';
export { EXPOSITION_CONTENT_TYPE, escapeLabelValue, escapeHelp, formatValue } from './exposition.js';
export { createProxyMetrics, UNMATCHED_ROUTE, type ProxyMetrics, type ProxyMetricsOptions } from './proxy-metrics.js';
export { registerProcessMetrics, type ProcessMetrics } from './process-metrics.js';
export { parseExposition, sampleValue, type ParsedExposition, type Sample } from './parse-exposition.js';
