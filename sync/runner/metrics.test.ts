import { describe, expect, it } from 'vitest';
import { SyncMetrics } from './metrics.js';

describe('SyncMetrics', () => {
  it('renders the Prometheus text format', () => {
    const metrics = new SyncMetrics();
    metrics.countEvents('public.products', 'u', 3);
    metrics.countEvents('public."odd"', 'c');
    metrics.transactions = 2;
    metrics.lagBytes = 4096;
    metrics.lastAppliedLsn = 0x1_0000_0010n;
    metrics.state = 'streaming';
    const text = metrics.render();
    expect(text).toContain('# TYPE strangler_sync_events_total counter');
    expect(text).toContain('strangler_sync_events_total{table="public.products",op="u"} 3');
    expect(text).toContain('strangler_sync_events_total{table="public.\\"odd\\"",op="c"} 1');
    expect(text).toContain('strangler_sync_transactions_total 2');
    expect(text).toContain('strangler_sync_lag_bytes 4096');
    expect(text).toContain('strangler_sync_last_applied_lsn 4294967312');
    expect(text).toContain('strangler_sync_state{state="streaming"} 1');
    expect(text).toContain('strangler_sync_state{state="backoff"} 0');
    expect(text.endsWith('\n')).toBe(true);
  });
});
