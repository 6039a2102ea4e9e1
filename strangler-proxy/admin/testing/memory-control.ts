/**
 * An in-memory `ProxyControl` for the admin API's own tests: the admin API is what is
 * under test, so the control only has to keep state and validate like the real one does
 * (it uses the proxy's real `routes` schema, which names the bad key).
 */
import { object, validate } from '../../../common/config/schema.js';
import { StranglerError } from '../../../common/errors.js';
import { routesSchema, type RouteConfig } from '../../config/schema.js';
import type { InstanceStatus, ProxyControl, RouteStatus } from '../../control.js';

export interface MemoryControl extends ProxyControl {
  /** Adds to a route's counters, as traffic would. */
  count(routeId: string, counters: Partial<RouteStatus['counters']>): void;
  reloads: number;
}

export function memoryControl(
  initialRoutes: unknown,
  instances: InstanceStatus[],
  services: readonly string[] = ['catalog'],
): MemoryControl {
  let version = 1;
  let routes: RouteStatus[] = [];
  const counters = new Map<string, RouteStatus['counters']>();

  const toStatus = (route: RouteConfig): RouteStatus => ({
    id: route.id,
    match: { path: route.match.path, methods: route.match.methods, headers: route.match.headers, cookies: route.match.cookies },
    target: route.service,
    weight: route.weight,
    enabled: route.enabled,
    counters: counters.get(route.id) ?? { matched: 0, diverted: 0, fallbacks: 0, errors: 0 },
  });
  const apply = (config: unknown): void => {
    // Validated as the config file's `routes` key, so issues read `routes[0].service`.
    const checked = validate(object({ routes: routesSchema }), { routes: config }, 'routes').routes;
    checked.forEach((route, index) => {
      if (!services.includes(route.service)) {
        throw new StranglerError('CONFIG_UNKNOWN_SERVICE', `routes[${index}].service: unknown service "${route.service}".`, {
          details: { issues: [{ path: `routes[${index}].service`, message: `unknown service "${route.service}"` }] },
        });
      }
    });
    routes = checked.map(toStatus);
  };
  const find = (id: string): RouteStatus => {
    const route = routes.find((candidate) => candidate.id === id);
    if (!route) throw new StranglerError('PROXY_UNKNOWN_ROUTE', `There is no route "${id}".`);
    return route;
  };
  apply(initialRoutes);

  return {
    reloads: 0,
    routes: () => routes.map((route) => ({ ...route, counters: { ...(counters.get(route.id) ?? route.counters) } })),
    instances: () => instances.map((instance) => ({ ...instance })),
    replaceRoutes(config) {
      apply(config);
      version++;
    },
    setWeight(id, percent) {
      if (!(percent >= 0 && percent <= 100)) throw new StranglerError('CONFIG_INVALID', `weight must be 0..100, got ${percent}.`);
      routes = routes.map((route) => (route.id === find(id).id ? { ...route, weight: percent } : route));
      version++;
    },
    setEnabled(id, enabled) {
      routes = routes.map((route) => (route.id === find(id).id ? { ...route, enabled } : route));
      version++;
    },
    async reload() {
      this.reloads++;
      version++;
      await Promise.resolve();
    },
    version: () => version,
    config: () => ({ routes }),
    count(id, add) {
      const current = counters.get(id) ?? { matched: 0, diverted: 0, fallbacks: 0, errors: 0 };
      counters.set(id, {
        matched: current.matched + (add.matched ?? 0),
        diverted: current.diverted + (add.diverted ?? 0),
        fallbacks: current.fallbacks + (add.fallbacks ?? 0),
        errors: current.errors + (add.errors ?? 0),
      });
    },
  };
}
