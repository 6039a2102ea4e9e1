/**
 * Active health checks: every `interval`, a GET of `path` on each instance; the verdict
 * goes through `healthNext`. `probeRound` is the whole logic with the probe injected, so
 * tests run rounds without timers; `startHealthChecks` only adds the timer.
 */
import type { HealthCheckConfig } from '../config/schema.js';
import type { Instance } from '../upstream/instance.js';
import type { UpstreamService } from '../upstream/service.js';
import { healthNext } from './health-state.js';

export type Probe = (instance: Instance, check: HealthCheckConfig) => Promise<boolean>;

/** GET the health path over the instance's own pool; 2xx and 3xx pass. */
export const httpProbe: Probe = async (instance, check) => {
  try {
    const response = await instance.pool.request({
      method: 'GET',
      path: check.path,
      headers: { 'user-agent': 'strangler-proxy-health' },
      headersTimeout: check.timeout,
      bodyTimeout: check.timeout,
    });
    await response.body.dump();
    return response.statusCode >= 200 && response.statusCode < 400;
  } catch {
    return false;
  }
};

export async function probeRound(service: UpstreamService, probe: Probe): Promise<void> {
  const check = service.config.healthCheck;
  if (!check) return;
  await Promise.all(
    service.instances.map(async (instance) => {
      const passed = await probe(instance, check);
      instance.health = healthNext(instance.health, passed, check);
    }),
  );
}

/** Starts the timers for every service that has a health check; returns a stop function. */
export function startHealthChecks(services: readonly UpstreamService[], probe: Probe = httpProbe): () => void {
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  for (const service of services) {
    const check = service.config.healthCheck;
    if (!check) continue;
    let running = false;
    const round = (): void => {
      if (running || stopped) return;
      running = true;
      void probeRound(service, probe).finally(() => {
        running = false;
      });
    };
    const timer = setInterval(round, check.interval);
    timer.unref();
    timers.push(timer);
    round();
  }
  return () => {
    stopped = true;
    for (const timer of timers) clearInterval(timer);
  };
}
