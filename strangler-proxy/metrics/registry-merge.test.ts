import { describe, expect, it } from 'vitest';
import { Registry } from './registry.js';

function worker(): Registry {
  const registry = new Registry();
  registry.counter({ name: 'requests_total', help: 'Requests.', labelNames: ['route'] });
  registry.gauge({ name: 'in_flight', help: 'Open requests.' });
  registry.histogram({ name: 'latency_seconds', help: 'Latency.', labelNames: ['route'], buckets: [0.1, 0.5] });
  return registry;
}

describe('Registry snapshot and merge (figures of other processes)', () => {
  it('sums counters and histograms of other processes into the exposition, gauges stay local', () => {
    const first = new Registry();
    const requests = first.counter({ name: 'requests_total', help: 'Requests.', labelNames: ['route'] });
    const inFlight = first.gauge({ name: 'in_flight', help: 'Open requests.' });
    const latency = first.histogram({ name: 'latency_seconds', help: 'Latency.', labelNames: ['route'], buckets: [0.1, 0.5] });
    requests.labels('a').inc(3);
    inFlight.labels().set(2);
    latency.labels('a').observe(0.0625);

    const second = new Registry();
    const requests2 = second.counter({ name: 'requests_total', help: 'Requests.', labelNames: ['route'] });
    const inFlight2 = second.gauge({ name: 'in_flight', help: 'Open requests.' });
    const latency2 = second.histogram({ name: 'latency_seconds', help: 'Latency.', labelNames: ['route'], buckets: [0.1, 0.5] });
    requests2.labels('a').inc(4);
    requests2.labels('b').inc(1);
    inFlight2.labels().set(9);
    latency2.labels('a').observe(0.25);
    latency2.labels('a').observe(2);

    const shared = new Set(['requests_total', 'in_flight', 'latency_seconds']);
    // The snapshot crosses an IPC channel as JSON.
    first.merge('2', JSON.parse(JSON.stringify(second.snapshot(shared))));
    expect(first.mergedSources).toBe(1);
    expect(first.expose()).toBe(
      [
        '# HELP requests_total Requests.',
        '# TYPE requests_total counter',
        'requests_total{route="a"} 7',
        'requests_total{route="b"} 1',
        '# HELP in_flight Open requests.',
        '# TYPE in_flight gauge',
        'in_flight 2',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="a",le="0.1"} 1',
        'latency_seconds_bucket{route="a",le="0.5"} 2',
        'latency_seconds_bucket{route="a",le="+Inf"} 3',
        'latency_seconds_sum{route="a"} 2.3125',
        'latency_seconds_count{route="a"} 3',
        '',
      ].join('\n'),
    );
  });

  it('keeps only the latest snapshot of each source, sums several sources, ignores unknown families', () => {
    const first = worker();
    first.counter({ name: 'own_total', help: 'Only here.' }).labels().inc(2);
    const from = (value: number): ReturnType<Registry['snapshot']> => {
      const registry = worker();
      registry.counter({ name: 'requests_total_unknown', help: 'Unknown to the first registry.' }).labels().inc(100);
      const requests = registry.counter({ name: 'own_total', help: 'Only here.' });
      requests.labels().inc(value);
      return registry.snapshot(new Set(['own_total', 'requests_total_unknown', 'in_flight']));
    };
    first.merge('2', from(10));
    first.merge('2', from(12));
    first.merge('3', from(1));
    const text = first.expose();
    expect(text).toContain('own_total 15\n');
    expect(text).not.toContain('requests_total_unknown');
    expect(first.mergedSources).toBe(2);
    // Gauges are never part of a snapshot.
    expect(from(1).map((family) => family.name)).toEqual(['requests_total_unknown', 'own_total']);
  });

  it('ignores a histogram with another bucket layout rather than adding it up wrongly', () => {
    const first = worker();
    first.merge('2', [
      { name: 'latency_seconds', type: 'histogram', children: [{ labels: 'route="a"', counts: [1, 1], sum: 1, count: 2 }] },
    ]);
    expect(first.expose()).not.toContain('latency_seconds_count');
  });
});
