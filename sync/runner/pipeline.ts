/**
 * One running sync pipeline: a SyncRunner between a source and a sink, its metrics (served
 * on `metrics.listen` when enabled), and a handle to wait for it or stop it. `startSync`,
 * the Debezium ingest and the NATS publisher all start theirs here.
 */
import type { Logger } from '../../common/logger.js';
import type { ChangeSink, ChangeSource } from '../change.js';
import type { SyncConfig } from '../config/schema.js';
import { serveMetrics, SyncMetrics, type MetricsServer } from './metrics.js';
import { SyncRunner, type OpenContext } from './runner.js';

export interface PipelineHandle<Sink extends ChangeSink> {
  readonly runner: SyncRunner;
  readonly sink: Sink;
  readonly metrics: SyncMetrics;
  /** `http://127.0.0.1:<port>/metrics`, when served. */
  readonly metricsUrl: string | undefined;
  /** Settles when the pipeline ends: resolves after stop(), rejects on a failure retrying cannot fix. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export interface StartPipelineOptions<Sink extends ChangeSink> {
  config: Readonly<SyncConfig>;
  sink: Sink;
  openSource: (context: OpenContext) => Promise<ChangeSource>;
  logger: Logger;
  /** The metrics to count into (default: new ones). */
  metrics?: SyncMetrics;
  /** Overrides metrics.listen. */
  metricsListen?: string | undefined;
  /** Serve /metrics when the config enables it (default true; a second pipeline of the same process says false). */
  serveMetrics?: boolean;
  /** Runs once when the pipeline ends (or fails to start), before its metrics server closes. */
  onEnd?: () => Promise<void>;
}

export async function startPipeline<Sink extends ChangeSink>(options: StartPipelineOptions<Sink>): Promise<PipelineHandle<Sink>> {
  const { config, sink } = options;
  const metrics = options.metrics ?? new SyncMetrics();
  const runner = new SyncRunner({
    sink,
    openSource: options.openSource,
    batching: config.batching,
    retry: { initialMs: config.retry.initial, maxMs: config.retry.max },
    logger: options.logger,
    metrics,
  });
  let server: MetricsServer | undefined;
  if (options.serveMetrics !== false && config.metrics.enabled) {
    try {
      server = await serveMetrics(metrics, options.metricsListen ?? config.metrics.listen);
    } catch (error) {
      await options.onEnd?.();
      throw error;
    }
  }
  const done = runner.run().finally(async () => {
    await options.onEnd?.();
    await server?.close();
  });
  done.catch(() => undefined);
  return {
    runner,
    sink,
    metrics,
    metricsUrl: server?.url,
    done,
    stop: async () => {
      await runner.stop();
      await done.catch(() => undefined);
    },
  };
}
