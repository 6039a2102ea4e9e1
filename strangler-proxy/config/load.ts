/** Reads and validates a proxy config: a file (YAML or JSON), a plain object, or just a new `routes` list. */
import { dirname, resolve } from 'node:path';
import { loadConfigFile } from '../../common/config/load.js';
import { validate, type Issue } from '../../common/config/schema.js';
import { StranglerError } from '../../common/errors.js';
import { proxyConfigSchema, routesSchema, serviceIssues, type ProxyConfig, type RouteConfig, type ServiceConfig } from './schema.js';
import { readTlsFiles, resolveTlsPaths } from './tls.js';
import { readUpstreamTls, resolveUpstreamTlsPaths } from './upstream-tls.js';

export async function loadProxyConfig(path: string): Promise<ProxyConfig> {
  return parseProxyConfig(await loadConfigFile(path), path, dirname(resolve(path)));
}

/**
 * Validates plain config data. The TLS file paths (`listen.tls`, `monolith.tls`,
 * `services.<name>.tls`) are taken relative to `baseDir` (the config file's folder; the
 * working directory by default), and the files are read and checked here, so a bad
 * certificate or key is refused like any other bad key.
 */
export function parseProxyConfig(value: unknown, source = 'proxy config', baseDir = process.cwd()): ProxyConfig {
  const config = validate(proxyConfigSchema, value, source);
  const services = Object.values(config.services);
  if (config.listen.tls === undefined && config.monolith.tls === undefined && services.every((service) => service.tls === undefined)) {
    return config;
  }
  const issues: Issue[] = [];
  let listen = config.listen;
  if (listen.tls !== undefined) {
    const tls = resolveTlsPaths(listen.tls, baseDir);
    readTlsFiles(tls, issues);
    listen = Object.freeze({ ...listen, tls: Object.freeze(tls) });
  }
  const withTls = <S extends ServiceConfig>(service: S, at: string): S => {
    if (service.tls === undefined) return service;
    const tls = resolveUpstreamTlsPaths(service.tls, baseDir);
    readUpstreamTls(tls, `${at}.tls`, issues);
    return Object.freeze({ ...service, tls });
  };
  const monolith = withTls(config.monolith, 'monolith');
  const resolved = Object.freeze(
    Object.fromEntries(Object.entries(config.services).map(([name, service]) => [name, withTls(service, `services.${name}`)])),
  );
  if (issues.length > 0) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    throw new StranglerError('CONFIG_INVALID', `${source} is not valid:\n${lines.join('\n')}\nFix the keys above and start again.`, {
      details: { issues },
    });
  }
  return Object.freeze({ ...config, listen, monolith, services: resolved });
}

/** Validates a replacement `routes` list against the services of `config`; returns a new frozen config. */
export function withRoutes(config: ProxyConfig, routesValue: unknown, source = 'routes'): ProxyConfig {
  const routes = validate(routesSchema, routesValue, source);
  const issues = serviceIssues(config.services, routes).filter((issue) => issue.path.startsWith('routes'));
  if (issues.length > 0) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    throw new StranglerError('CONFIG_INVALID', `${source} is not valid:\n${lines.join('\n')}\nFix the keys above and send them again.`, {
      details: { issues },
    });
  }
  const list = [...routes];
  Object.freeze(list);
  return Object.freeze({ ...config, routes: list });
}

/** The same config with one route changed (weight or enabled). */
export function withRoute(config: ProxyConfig, routeId: string, change: Partial<Pick<RouteConfig, 'weight' | 'enabled'>>): ProxyConfig {
  const index = config.routes.findIndex((route) => route.id === routeId);
  if (index === -1) {
    throw new StranglerError(
      'PROXY_UNKNOWN_ROUTE',
      `No route "${routeId}"; known routes: ${config.routes.map((route) => route.id).join(', ') || '(none)'}.`,
    );
  }
  const plain: unknown = structuredClone(config.routes);
  if (!Array.isArray(plain)) throw new StranglerError('PROXY_INTERNAL', 'routes are not a list');
  const target: unknown = plain[index];
  if (typeof target === 'object' && target !== null) Object.assign(target, change);
  return withRoutes(config, plain, `routes[${index}]`);
}
