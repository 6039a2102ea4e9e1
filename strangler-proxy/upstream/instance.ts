/**
 * One upstream instance: its keep-alive connection pool (undici Pool), its live figures
 * for the balancers (in flight, EWMA latency) and its three safety states: active health,
 * passive outlier ejection and the circuit breaker.
 */
import { Pool } from 'undici';
import type { BreakerConfig, OutlierConfig, PoolConfig } from '../config/schema.js';
import type { UpstreamTlsMaterial } from '../config/upstream-tls.js';
import type { InstanceStatus } from '../control.js';
import { CLOSED, breakerAllows, breakerNext, type BreakerState } from '../health/breaker.js';
import { STARTING_HEALTH, type HealthState } from '../health/health-state.js';
import { FRESH_OUTLIER, isEjected, outlierNext, type OutlierState } from '../health/outlier.js';
import { undiciClient, type UpstreamClient } from '../http/upstream-call.js';
import { H1Pool, h1Available } from './h1-pool.js';
import { poolConnect } from './tls-connector.js';

/**
 * What an instance is built from. `tls` is the fingerprint of the service's TLS settings
 * and files (https:// instances only): a reload keeps an instance only when all of it is
 * unchanged, so a changed CA or client certificate gets new pools.
 */
export interface InstanceSettings {
  pool: PoolConfig;
  breaker: BreakerConfig;
  outlier: OutlierConfig;
  tls: string | undefined;
}

/** Weight of the newest latency sample in the moving average. */
const EWMA_ALPHA = 0.3;

export class Instance {
  readonly key: string;
  /** undici: health checks, shadow copies, WebSocket upgrades; proxied requests too with `pool.client: undici`. */
  readonly pool: Pool;
  /** Where proxied requests go. */
  readonly client: UpstreamClient;
  inflight = 0;
  ewmaMs = 0;
  requests = 0;
  failures = 0;
  breaker: BreakerState = CLOSED;
  health: HealthState = STARTING_HEALTH;
  outlier: OutlierState = FRESH_OUTLIER;

  constructor(
    readonly service: string,
    readonly url: string,
    readonly settings: InstanceSettings,
    tls?: UpstreamTlsMaterial,
  ) {
    this.key = url.replace(/\/$/, '');
    this.pool = new Pool(this.key, {
      connections: settings.pool.connections,
      keepAliveTimeout: settings.pool.keepAliveTimeout,
      connect: poolConnect(this.key, settings.pool.connectTimeout, tls),
      pipelining: 1,
    });
    this.client = settings.pool.client === 'builtin' && h1Available ? new H1Pool(this.key, settings.pool, tls) : undiciClient(this.pool);
  }

  /** Closes both clients: gracefully, or (`force`) at once. */
  async close(force: boolean): Promise<void> {
    const stop = (client: Pick<UpstreamClient, 'close' | 'destroy'>): Promise<void> =>
      (force ? client.destroy() : client.close()).catch(() => undefined);
    await Promise.all(this.client instanceof H1Pool ? [stop(this.client), stop(this.pool)] : [stop(this.pool)]);
  }

  /** Healthy, not ejected, breaker lets a request through (after moving the breaker's clock). */
  available(now: number): boolean {
    if (!this.health.healthy || isEjected(this.outlier, now)) return false;
    if (this.breaker.name === 'open') this.breaker = breakerNext(this.breaker, 'tick', now, this.settings.breaker);
    return breakerAllows(this.breaker);
  }

  onStart(now: number): void {
    this.inflight++;
    this.requests++;
    if (this.breaker.name === 'half-open') this.breaker = breakerNext(this.breaker, 'request', now, this.settings.breaker);
  }

  /** The instance answered (any status) after `latencyMs` for the response head. */
  onAnswer(status: number, latencyMs: number, now: number, mayEject: () => boolean): void {
    this.ewmaMs = this.ewmaMs === 0 ? latencyMs : this.ewmaMs + EWMA_ALPHA * (latencyMs - this.ewmaMs);
    if (this.breaker.name !== 'closed' || this.breaker.failures !== 0) {
      this.breaker = breakerNext(this.breaker, 'success', now, this.settings.breaker);
    }
    if (status >= 500) this.failures++;
    if (status >= 500 || this.outlier !== FRESH_OUTLIER) {
      this.outlier = outlierNext(this.outlier, status, now, this.settings.outlier, status >= 500 && mayEject());
    }
  }

  /** The response body has been delivered (or abandoned). */
  onEnd(): void {
    this.inflight--;
  }

  /** The client went away before an answer: says nothing about the instance. */
  onAbandoned(): void {
    this.inflight--;
  }

  /** It could not be reached or did not answer in time. */
  onFailure(now: number): void {
    this.inflight--;
    this.failures++;
    this.breaker = breakerNext(this.breaker, 'failure', now, this.settings.breaker);
  }

  status(now: number): InstanceStatus {
    const ejected = isEjected(this.outlier, now);
    return {
      service: this.service,
      url: this.key,
      healthy: this.health.healthy,
      ejected,
      ...(ejected ? { ejectedUntil: this.outlier.ejectedUntil } : {}),
      breaker: this.breaker.name,
      inflight: this.inflight,
      ewmaMs: Math.round(this.ewmaMs * 1000) / 1000,
      requests: this.requests,
      failures: this.failures,
      ...(this.client instanceof H1Pool ? { pool: this.client.stats() } : {}),
    };
  }
}
