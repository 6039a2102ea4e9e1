/** A named service (or the monolith): its instances and the balancer that picks one. */
import type { ServiceConfig } from '../config/schema.js';
import { loadUpstreamTls } from '../config/upstream-tls.js';
import { createBalancer, type Balancer } from '../balancers/index.js';
import { isEjected, mayEjectOneMore } from '../health/outlier.js';
import { Instance, type InstanceSettings } from './instance.js';

export class UpstreamService {
  readonly balancer: Balancer<Instance>;

  constructor(
    readonly name: string,
    readonly config: ServiceConfig,
    readonly instances: readonly Instance[],
  ) {
    this.balancer = createBalancer(config.balancer, instances);
  }

  /**
   * An instance for this request, skipping `exclude` (already tried). When none is
   * available (unhealthy or ejected), any whose breaker lets it through is used rather
   * than failing everything ("panic mode"); undefined when even that is empty.
   */
  pick(now: number, hashKey: string | undefined, exclude?: Instance): Instance | undefined {
    const all = this.instances;
    if (all.length === 1 && exclude === undefined) {
      const only = all[0];
      return only !== undefined && (only.available(now) || this.panicAllows(only)) ? only : undefined;
    }
    const candidates: Instance[] = [];
    for (const instance of all) if (instance !== exclude && instance.available(now)) candidates.push(instance);
    if (candidates.length === 0) {
      for (const instance of all) if (instance !== exclude && this.panicAllows(instance)) candidates.push(instance);
    }
    return this.balancer.pick(candidates, hashKey);
  }

  private panicAllows(instance: Instance): boolean {
    if (instance.breaker.name === 'open') return false;
    return !(instance.breaker.name === 'half-open' && instance.breaker.probing);
  }

  /** Outlier detection's limit: may one more instance be ejected? */
  mayEject(now: number): boolean {
    let ejected = 0;
    for (const instance of this.instances) if (isEjected(instance.outlier, now)) ejected++;
    return mayEjectOneMore(ejected, this.instances.length, this.config.outlier.maxEjectionPercent);
  }
}

/**
 * Builds the services of a config, reusing `previous` instances (their pools and live
 * state) for URLs that stay with the same settings, so a reload does not drop warm
 * connections. The `tls` files are read again here: a CA or client certificate replaced
 * on disk counts as a change, and that service's https:// instances get new pools.
 */
export function buildService(name: string, config: ServiceConfig, previous: Map<string, Instance>): UpstreamService {
  const tls =
    config.tls === undefined ? undefined : loadUpstreamTls(config.tls, name === 'monolith' ? 'monolith.tls' : `services.${name}.tls`);
  const instances = config.instances.map((url) => {
    const key = `${name} ${url.replace(/\/$/, '')}`;
    const secure = tls !== undefined && url.startsWith('https://') ? tls : undefined;
    const settings: InstanceSettings = { pool: config.pool, breaker: config.breaker, outlier: config.outlier, tls: secure?.fingerprint };
    const kept = previous.get(key);
    if (kept && JSON.stringify(kept.settings) === JSON.stringify(settings)) return kept;
    return new Instance(name, url, settings, secure);
  });
  return new UpstreamService(name, config, instances);
}

export const instanceKey = (instance: Instance): string => `${instance.service} ${instance.key}`;
