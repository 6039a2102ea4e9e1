import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeLabelValue, formatValue } from './exposition.js';
import { Registry } from './registry.js';

describe('Registry exposition (text format 0.0.4)', () => {
  it('renders counters, gauges and histograms exactly', () => {
    const registry = new Registry();
    const requests = registry.counter({ name: 'http_requests_total', help: 'Requests.', labelNames: ['route', 'code'] });
    const inFlight = registry.gauge({ name: 'in_flight', help: 'Open requests.' });
    const latency = registry.histogram({ name: 'latency_seconds', help: 'Latency.', labelNames: ['route'], buckets: [0.1, 0.5] });

    const ok = requests.labels('a', '2xx');
    ok.inc();
    ok.inc(2);
    requests.labels('a', '5xx').inc();
    inFlight.labels().set(3);
    const a = latency.labels('a');
    a.observe(0.05);
    a.observe(0.1);
    a.observe(0.3);
    a.observe(7);

    expect(registry.expose()).toBe(
      [
        '# HELP http_requests_total Requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{route="a",code="2xx"} 3',
        'http_requests_total{route="a",code="5xx"} 1',
        '# HELP in_flight Open requests.',
        '# TYPE in_flight gauge',
        'in_flight 3',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="a",le="0.1"} 2',
        'latency_seconds_bucket{route="a",le="0.5"} 3',
        'latency_seconds_bucket{route="a",le="+Inf"} 4',
        'latency_seconds_sum{route="a"} 7.45',
        'latency_seconds_count{route="a"} 4',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text', () => {
    const registry = new Registry();
    registry
      .gauge({ name: 'g', help: 'line one\nback\\slash', labelNames: ['path'] })
      .labels('C:\\dir "x"\nnext')
      .set(1);
    expect(registry.expose()).toBe(
      ['# HELP g line one\\nback\\\\slash', '# TYPE g gauge', 'g{path="C:\\\\dir \\"x\\"\\nnext"} 1', ''].join('\n'),
    );
    expect(escapeLabelValue('a"b')).toBe('a\\"b');
    expect(escapeHelp('say "hi"')).toBe('say "hi"');
  });

  it('formats special float values as Go does', () => {
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(0.25)).toBe('0.25');
  });

  it('returns the same child for the same label values and forgets removed ones', () => {
    const registry = new Registry();
    const counter = registry.counter({ name: 'c_total', help: 'c', labelNames: ['route'] });
    expect(counter.labels('x')).toBe(counter.labels('x'));
    counter.labels('y').inc();
    expect(counter.remove('y')).toBe(true);
    expect(registry.expose()).not.toContain('route="y"');
  });

  it('runs collectors before rendering', () => {
    const registry = new Registry();
    const gauge = registry.gauge({ name: 'read_at_scrape', help: 'x' }).labels();
    let reads = 0;
    registry.onCollect(() => gauge.set(++reads));
    expect(registry.expose()).toContain('read_at_scrape 1');
    expect(registry.expose()).toContain('read_at_scrape 2');
  });

  it('rejects bad names, reserved labels, wrong arity, duplicates and negative increments', () => {
    const registry = new Registry();
    expect(() => registry.counter({ name: '1bad', help: '' })).toThrow(/not a valid Prometheus metric name/);
    expect(() => registry.histogram({ name: 'h', help: '', labelNames: ['le'] })).toThrow(
      expect.objectContaining({ code: 'PROXY_METRIC_LABEL' }),
    );
    expect(() => registry.gauge({ name: 'g', help: '', labelNames: ['__x'] })).toThrow(
      expect.objectContaining({ code: 'PROXY_METRIC_LABEL' }),
    );
    expect(() => registry.histogram({ name: 'h2', help: '', buckets: [1, 1] })).toThrow(
      expect.objectContaining({ code: 'PROXY_METRIC_BUCKETS' }),
    );
    const counter = registry.counter({ name: 'c_total', help: '', labelNames: ['a'] });
    expect(() => counter.labels()).toThrow(/takes 1 label value/);
    expect(() => counter.labels('v').inc(-1)).toThrow(expect.objectContaining({ code: 'PROXY_METRIC_NEGATIVE' }));
    expect(() => registry.gauge({ name: 'c_total', help: '' })).toThrow(expect.objectContaining({ code: 'PROXY_METRIC_DUPLICATE' }));
  });
});
