/**
 * The proxy's live state and its control surface. A `ProxyState` (route table + services)
 * is immutable once built; a change builds a new one and swaps one reference, so it applies
 * atomically. Each request holds the state it started with, so requests in flight finish
 * on the old table; instances that left are closed once the last request on their old
 * state is done.
 */
import { StranglerError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ProxyConfig } from './config/schema.js';
import { loadProxyConfig, withRoute, withRoutes } from './config/load.js';
import type { InstanceStatus, ProxyControl, ProxyObserver, RouteCounters, RouteStatus, ShadowReport } from './control.js';
import { startHealthChecks, type Probe } from './health/active-checker.js';
import { compileRoutes, type RouteTable } from './router/route-table.js';
import { compileShadows, type ShadowPlan } from './shadow/plan.js';
import { ShadowRecorder } from './shadow/recorder.js';
import type { Instance } from './upstream/instance.js';
import { RetryBudget } from './upstream/retry-budget.js';
import { buildService, instanceKey, type UpstreamService } from './upstream/service.js';

export interface ProxyState {
  readonly version: number;
  readonly config: ProxyConfig;
  readonly table: RouteTable;
  readonly monolith: UpstreamService;
  readonly services: ReadonlyMap<string, UpstreamService>;
  /** Requests currently running on this state. */
  inflight: number;
  /** Shadow plans by route id; absent when no route has a `shadow` section. */
  readonly shadows?: ReadonlyMap<string, ShadowPlan>;
}

export interface RuntimeOptions {
  config: ProxyConfig;
  /** The file to read again on `reload()`. */
  configPath?: string;
  logger: Logger;
  observer?: ProxyObserver;
  probe?: Probe;
}

/** Services whose instances' certificates are not checked (`tls.rejectUnauthorized: false`), by config key. */
function insecureTls(config: ProxyConfig): string[] {
  const keys = config.monolith.tls?.rejectUnauthorized === false ? ['monolith.tls'] : [];
  for (const [name, service] of Object.entries(config.services)) {
    if (service.tls?.rejectUnauthorized === false) keys.push(`services.${name}.tls`);
  }
  return keys;
}

/** Never silently insecure: a warning at start, and whenever a change turns certificate checks off. */
function warnInsecureTls(config: ProxyConfig, before: ProxyConfig | undefined, logger: Logger): void {
  const already = before === undefined ? [] : insecureTls(before);
  for (const key of insecureTls(config)) {
    if (already.includes(key)) continue;
    logger.warn(
      `${key}.rejectUnauthorized is false: the certificates of these instances are not checked, so anyone on the network path can impersonate them; set a caFile instead`,
      { key: `${key}.rejectUnauthorized` },
    );
  }
}

export class ProxyRuntime implements ProxyControl {
  current: ProxyState;
  readonly budget: RetryBudget;
  private readonly counters = new Map<string, RouteCounters>();
  private stopHealth: () => void = () => undefined;
  private readonly retiring = new Map<ProxyState, Instance[]>();
  private running = 0;
  /** Shadow totals and mismatch samples (kept across reloads). */
  readonly shadowRecorder: ShadowRecorder;

  constructor(private readonly options: RuntimeOptions) {
    this.shadowRecorder = new ShadowRecorder(options.observer);
    this.budget = new RetryBudget(options.config.retryBudget.ratio, options.config.retryBudget.burst);
    this.current = this.build(options.config, 1, new Map());
    warnInsecureTls(options.config, undefined, options.logger);
    this.stopHealth = startHealthChecks(this.allServices(this.current), options.probe);
  }

  private build(config: ProxyConfig, version: number, previous: Map<string, Instance>): ProxyState {
    const services = new Map<string, UpstreamService>();
    for (const [name, service] of Object.entries(config.services)) services.set(name, buildService(name, service, previous));
    const shadows = compileShadows(config.routes, this.shadowRecorder);
    return {
      version,
      config,
      table: compileRoutes(config.routes, this.counters),
      monolith: buildService('monolith', config.monolith, previous),
      services,
      inflight: 0,
      ...(shadows === undefined ? {} : { shadows }),
    };
  }

  private allServices(state: ProxyState): UpstreamService[] {
    return [state.monolith, ...state.services.values()];
  }

  /** Builds and swaps in a new state for `config`. */
  apply(config: ProxyConfig): void {
    const old = this.current;
    const previous = new Map<string, Instance>();
    for (const service of this.allServices(old)) for (const instance of service.instances) previous.set(instanceKey(instance), instance);
    const next = this.build(config, old.version + 1, previous);
    const kept = new Set<Instance>();
    for (const service of this.allServices(next)) for (const instance of service.instances) kept.add(instance);
    const gone = [...previous.values()].filter((instance) => !kept.has(instance));
    for (const name of [...this.counters.keys()]) if (!config.routes.some((route) => route.id === name)) this.counters.delete(name);
    this.current = next;
    warnInsecureTls(config, old.config, this.options.logger);
    this.stopHealth();
    this.stopHealth = startHealthChecks(this.allServices(next), this.options.probe);
    if (gone.length > 0) {
      this.retiring.set(old, gone);
      if (old.inflight === 0) this.retire(old);
    }
    this.options.logger.info('proxy config applied', { version: next.version, routes: config.routes.length });
    this.options.observer?.onReload?.(next.version);
  }

  /** A request starts: it keeps this state until `release`. */
  acquire(): ProxyState {
    const state = this.current;
    state.inflight++;
    this.running++;
    return state;
  }

  release(state: ProxyState): void {
    state.inflight--;
    this.running--;
    if (state.inflight === 0 && state !== this.current && this.retiring.has(state)) this.retire(state);
  }

  private retire(state: ProxyState): void {
    const gone = this.retiring.get(state) ?? [];
    this.retiring.delete(state);
    for (const instance of gone) void instance.close(false);
  }

  /** Requests in flight, on every state. */
  inflight(): number {
    return this.running;
  }

  async close(force: boolean): Promise<void> {
    this.stopHealth();
    const instances = new Set<Instance>();
    for (const service of this.allServices(this.current)) for (const instance of service.instances) instances.add(instance);
    for (const gone of this.retiring.values()) for (const instance of gone) instances.add(instance);
    this.retiring.clear();
    await Promise.all([...instances].map((instance) => instance.close(force)));
  }

  // ProxyControl

  routes(): RouteStatus[] {
    return this.current.table.routes.map((route) => ({
      id: route.id,
      match: {
        path: route.config.match.path,
        methods: route.config.match.methods,
        headers: route.config.match.headers,
        cookies: route.config.match.cookies,
      },
      target: route.config.service,
      weight: route.config.weight,
      enabled: route.config.enabled,
      counters: { ...route.counters },
    }));
  }

  instances(): InstanceStatus[] {
    const now = Date.now();
    return this.allServices(this.current).flatMap((service) => service.instances.map((instance) => instance.status(now)));
  }

  replaceRoutes(routesConfig: unknown): void {
    this.apply(withRoutes(this.current.config, routesConfig));
  }

  setWeight(routeId: string, percent: number): void {
    this.apply(withRoute(this.current.config, routeId, { weight: percent }));
  }

  setEnabled(routeId: string, enabled: boolean): void {
    this.apply(withRoute(this.current.config, routeId, { enabled }));
  }

  async reload(): Promise<void> {
    const path = this.options.configPath;
    if (path === undefined) {
      throw new StranglerError(
        'PROXY_NO_CONFIG_FILE',
        'This proxy was started from a config object, not a file; there is nothing to reload.',
      );
    }
    this.apply(await loadProxyConfig(path));
  }

  version(): number {
    return this.current.version;
  }

  config(): ProxyConfig {
    return this.current.config;
  }

  shadowReport(): ShadowReport {
    return this.shadowRecorder.report();
  }
}
