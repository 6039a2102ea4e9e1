/**
 * The sync's Prometheus metrics (text exposition format 0.0.4, prometheus.io "Exposition
 * formats") and the small node:http server that serves them on /metrics.
 */
import { createServer, type Server } from 'node:http';
import { StranglerError } from '../../common/errors.js';
import type { RunnerState } from './state-machine.js';

const STATES: readonly RunnerState[] = ['idle', 'connecting', 'snapshotting', 'streaming', 'backoff', 'stopping', 'stopped', 'failed'];

export class SyncMetrics {
  events = new Map<string, number>();
  transactions = 0;
  skippedTransactions = 0;
  snapshotRows = 0;
  retries = 0;
  lagBytes = 0;
  lagSeconds = 0;
  lastAppliedLsn = 0n;
  lastAppliedAt = 0;
  state: RunnerState = 'idle';

  countEvents(table: string, op: string, count = 1): void {
    const key = `${table}\u0000${op}`;
    this.events.set(key, (this.events.get(key) ?? 0) + count);
  }

  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[string, number | bigint]>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${String(value)}`);
    };
    const label = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    metric(
      'strangler_sync_events_total',
      'counter',
      'Change events applied, by source table and op (c, u, d, r, t).',
      [...this.events].map(([key, value]) => {
        const [table = '', op = ''] = key.split('\u0000');
        return [`{table="${label(table)}",op="${label(op)}"}`, value];
      }),
    );
    metric('strangler_sync_transactions_total', 'counter', 'Source transactions applied to the target.', [['', this.transactions]]);
    metric(
      'strangler_sync_skipped_transactions_total',
      'counter',
      'Source transactions skipped because the checkpoint already held them.',
      [['', this.skippedTransactions]],
    );
    metric('strangler_sync_snapshot_rows_total', 'counter', 'Rows copied by the initial snapshot.', [['', this.snapshotRows]]);
    metric('strangler_sync_retries_total', 'counter', 'Back-offs after the source or the target was unreachable.', [['', this.retries]]);
    metric('strangler_sync_lag_bytes', 'gauge', 'WAL the slot retains beyond the acknowledged position.', [['', this.lagBytes]]);
    metric('strangler_sync_lag_seconds', 'gauge', 'Age of the oldest source commit received and not yet applied.', [['', this.lagSeconds]]);
    metric('strangler_sync_last_applied_lsn', 'gauge', 'Commit LSN of the last applied source transaction (as a number).', [
      ['', this.lastAppliedLsn],
    ]);
    metric('strangler_sync_last_applied_timestamp_seconds', 'gauge', 'When the last batch was applied (Unix time).', [
      ['', this.lastAppliedAt / 1000],
    ]);
    metric(
      'strangler_sync_state',
      'gauge',
      'The runner state (1 for the current one).',
      STATES.map((state) => [`{state="${state}"}`, state === this.state ? 1 : 0]),
    );
    return lines.join('\n') + '\n';
  }
}

export interface MetricsServer {
  /** `http://host:port/metrics` */
  readonly url: string;
  close(): Promise<void>;
}

export function serveMetrics(metrics: SyncMetrics, listen: string): Promise<MetricsServer> {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon);
  const port = Number(listen.slice(colon + 1));
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && (request.url === '/metrics' || request.url?.startsWith('/metrics?'))) {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      response.end(metrics.render());
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found: try /metrics\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new StranglerError(
          'SYNC_METRICS_LISTEN',
          `Cannot serve metrics on ${listen}: ${error.message}. Set metrics.listen to a free host:port, or metrics.enabled: false.`,
        ),
      ),
    );
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        url: `http://${host}:${actual}/metrics`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
