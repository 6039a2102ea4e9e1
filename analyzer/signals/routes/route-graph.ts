/**
 * Joins the per-file facts into routes: resolves receivers and mounts to routers, builds
 * the mount graph (parent → child with a prefix), and gives every route one full path per
 * chain of mounts that reaches its router from a root.
 */
import type { HttpRoute, Warning } from '../../model.js';
import type { CollectorContext } from '../collector.js';
import { ROUTERISH_PARAM, type Framework, type PathSpec, type RouteFacts } from './route-facts.js';
import { autoloadMounts } from './fastify-autoload.js';
import { nestPaths, type NestPathOptions } from './nest-paths.js';
import { joinPaths, joinRegex } from './route-paths.js';
import { ValueResolver, type Resolved } from './value-resolver.js';

interface RouterNode {
  framework: Framework;
  prefix: string;
  file: string;
  parents: Array<{ parent: string; prefix: PathSpec }>;
  /** Made to be mounted (`express.Router()`, koa-router) rather than to listen. */
  mountable: boolean;
}

const MAX_PREFIXES = 64;

/** A parent of `use()` named like the application (`app`, `server.app`, `this.application`). */
const APP_NAME = /(?:^|\.)(?:app|application|expressApp)$/;
/** Where such mounts hang when the parent cannot be followed: a root, as the application is. */
const UNFOLLOWED_APP: Resolved = { kind: 'router', id: '\u0000unfollowed-app' };

export function buildRoutes(facts: RouteFacts, context: CollectorContext): { routes: HttpRoute[]; warnings: Warning[] } {
  const resolver = new ValueResolver(facts, context);
  resolver.bindCalls(facts.calls);
  const nodes = new Map<string, RouterNode>();
  const warnings: Warning[] = [...facts.warnings];

  const fileFramework = (file: string): Framework => facts.fileFrameworks.get(file) ?? 'unknown';
  const nodeOf = (resolved: Resolved, promoteAs?: Framework): RouterNode | undefined => {
    const existing = nodes.get(resolved.id);
    if (existing) return existing;
    const value = facts.values.get(resolved.id);
    let node: RouterNode | undefined;
    if (value?.kind === 'router')
      node = { framework: value.framework, prefix: value.prefix, file: value.file, parents: [], mountable: value.mountable === true };
    else if (resolved.kind === 'router' && value?.kind === 'alias')
      node = { framework: value.fallback ?? 'unknown', prefix: '', file: '', parents: [], mountable: false };
    else if (resolved.kind === 'param' && value?.kind === 'param' && (promoteAs !== undefined || ROUTERISH_PARAM.test(value.name))) {
      node = { framework: promoteAs ?? fileFramework(value.file), prefix: '', file: value.file, parents: [], mountable: false };
    }
    if (node) nodes.set(resolved.id, node);
    return node;
  };
  const routerish = (item: Resolved): boolean => item.kind === 'router' || item.kind === 'param';

  const mounts = [...facts.mounts, ...facts.autoloads.flatMap((fact) => autoloadMounts(fact, context.modules))];
  for (const mount of mounts) {
    let parents = resolver.resolve(mount.parent).filter(routerish);
    // `app.use(router)` on an app made where it cannot be followed (uptime-kuma's `const app = server.app`, set in a class): the application.
    if (parents.length === 0 && mount.kind === 'use' && APP_NAME.test(mount.parentText ?? '')) {
      nodes.set(
        UNFOLLOWED_APP.id,
        nodes.get(UNFOLLOWED_APP.id) ?? { framework: 'unknown', prefix: '', file: mount.file, parents: [], mountable: false },
      );
      parents = [UNFOLLOWED_APP];
    }
    if (parents.length === 0) continue;
    const children: Array<{ item: Resolved; framework?: Framework }> = [];
    for (const item of resolver.resolve(mount.child)) {
      if (mount.kind === 'register' && item.kind === 'function') {
        const value = facts.values.get(item.id);
        const first = value?.kind === 'function' ? value.params[0] : undefined;
        if (first) children.push({ item: { kind: 'param', id: first }, framework: 'fastify' });
      } else if (routerish(item)) {
        children.push({ item });
      }
    }
    for (const child of children) {
      const childNode = nodeOf(child.item, child.framework ?? 'unknown');
      if (!childNode) continue;
      for (const parent of parents) {
        const parentNode = nodeOf(parent, childNode.framework);
        if (!parentNode || parent.id === child.item.id) continue;
        if (childNode.framework === 'unknown') childNode.framework = parentNode.framework;
        for (const prefix of mount.prefixes) childNode.parents.push({ parent: parent.id, prefix });
      }
    }
  }
  for (const fact of facts.prefixes) {
    for (const item of resolver.resolve(fact.target).filter(routerish)) {
      const node = nodeOf(item);
      if (node) node.prefix = fact.prefix;
    }
  }

  const memo = new Map<string, PathSpec[]>();
  const active = new Set<string>();
  const prefixesOf = (id: string): PathSpec[] => {
    const cached = memo.get(id);
    if (cached) return cached;
    const node = nodes.get(id);
    if (!node) return [{ value: '', regex: false }];
    const own = node.prefix;
    active.add(id);
    const result: PathSpec[] = [];
    for (const edge of node.parents) {
      if (active.has(edge.parent)) continue;
      for (const base of prefixesOf(edge.parent)) {
        if (result.length >= MAX_PREFIXES) break;
        const regex = base.regex || edge.prefix.regex;
        const mountPart = edge.prefix.regex ? `regex:${edge.prefix.value}` : edge.prefix.value;
        result.push({ value: joinPaths(base.value, mountPart, own), regex });
      }
    }
    active.delete(id);
    if (result.length === 0) result.push({ value: joinPaths(own), regex: false });
    memo.set(id, result);
    return result;
  };

  const routes = new Map<string, HttpRoute>();
  const add = (route: HttpRoute): void => {
    routes.set(`${route.method} ${route.path} ${route.module}`, route);
  };
  const frameworkOf = (id: string, seen = new Set<string>()): Framework => {
    const node = nodes.get(id);
    if (!node || seen.has(id)) return 'unknown';
    if (node.framework !== 'unknown') return node.framework;
    seen.add(id);
    for (const edge of node.parents) {
      const framework = frameworkOf(edge.parent, seen);
      if (framework !== 'unknown') return framework;
    }
    return fileFramework(node.file);
  };
  const warned = new Set<string>();
  const unmounted = new Map<string, number>();
  for (const fact of facts.routes) {
    const targets = resolver.resolve(fact.receiver).filter((item) => routerish(item) && nodeOf(item) !== undefined);
    if (targets.length === 0) continue;
    if (!fact.paths) {
      const key = `${fact.file}\u0000${fact.pathText}`;
      if (!warned.has(key)) {
        warned.add(key);
        warnings.push({
          code: 'ROUTE_DYNAMIC_PATH',
          path: fact.file,
          message: `${fact.file}: route path ${fact.pathText} is not a literal or a const in the same file; route left out.`,
        });
      }
      continue;
    }
    if (targets.some((target) => nodes.get(target.id)?.mountable === true && nodes.get(target.id)?.parents.length === 0)) {
      unmounted.set(fact.file, (unmounted.get(fact.file) ?? 0) + 1);
    }
    for (const target of targets) {
      const framework = frameworkOf(target.id);
      for (const prefix of prefixesOf(target.id)) {
        for (const path of fact.paths) {
          const full = path.regex ? joinRegex(prefix.value, path.value) : joinPaths(prefix.value, path.value);
          if (path.regex || prefix.regex) {
            const key = `${fact.file}\u0000${full}`;
            if (!warned.has(key)) {
              warned.add(key);
              warnings.push({
                code: 'ROUTE_REGEX_PATH',
                path: fact.file,
                message: `${fact.file}: route ${full} uses a regular expression; its path is kept as written.`,
              });
            }
          }
          for (const method of fact.methods) add({ method: method.toUpperCase(), path: full, module: fact.file, framework });
        }
      }
    }
  }

  for (const [file, count] of unmounted) {
    warnings.push({
      code: 'ROUTE_UNMOUNTED_ROUTER',
      path: file,
      message: `${file}: ${count} route(s) sit on a router that is never mounted where the analyzer can follow it (a plugin registry, a computed use()); they are listed without the mount prefix.`,
    });
  }

  const globals = [...new Set(facts.globalPrefixes)];
  if (globals.length > 1) {
    warnings.push({
      code: 'ROUTE_GLOBAL_PREFIX_AMBIGUOUS',
      message: `several Nest global prefixes (${globals.join(', ')}); ${globals[0] ?? ''} is used.`,
    });
  }
  const nestOptions: NestPathOptions = {
    globalPrefix: globals[0] ?? '',
    excludes: facts.globalExcludes,
    versioning: facts.nestVersioning[0],
  };
  const plainOptions: NestPathOptions = { globalPrefix: '', excludes: [], versioning: undefined };
  const modulePaths = controllerModulePaths(facts, resolver);
  for (const fact of facts.nest) {
    const options = fact.framework === 'nestjs' ? nestOptions : plainOptions;
    const prefixes = (fact.framework === 'nestjs' ? modulePaths.get(fact.controller) : undefined) ?? [''];
    for (const [modulePath, controllerPath] of prefixes.flatMap((prefix) => fact.controllerPaths.map((path) => [prefix, path] as const))) {
      for (const path of fact.paths) {
        for (const full of nestPaths({ method: fact.method, modulePath, controllerPath, path, versions: fact.versions }, options)) {
          add({ method: fact.method, path: full, module: fact.file, framework: fact.framework });
        }
      }
    }
  }

  for (const endpoint of facts.graphql) {
    const path = joinPaths(endpoint.globalPrefix ? nestOptions.globalPrefix : '', endpoint.path);
    for (const method of ['GET', 'POST']) add({ method, path, module: endpoint.file, framework: 'nestjs' });
  }

  const sorted = [...routes.values()].sort(compareRoutes);
  return { routes: sorted, warnings };
}

/** Controller class id → the `RouterModule` paths of the modules that declare it. */
function controllerModulePaths(facts: RouteFacts, resolver: ValueResolver): Map<string, string[]> {
  const byModule = new Map<string, string[]>();
  for (const entry of facts.nestModulePaths) {
    for (const module of resolver.resolve(entry.module)) {
      if (module.kind === 'class') byModule.set(module.id, [...(byModule.get(module.id) ?? []), entry.path]);
    }
  }
  const byController = new Map<string, string[]>();
  if (byModule.size === 0) return byController;
  for (const module of facts.nestModules) {
    const paths = byModule.get(module.module);
    if (!paths) continue;
    for (const controller of module.controllers) {
      for (const resolved of resolver.resolve(controller)) {
        if (resolved.kind === 'class') byController.set(resolved.id, [...new Set([...(byController.get(resolved.id) ?? []), ...paths])]);
      }
    }
  }
  return byController;
}

/** The order of routes: by path, method, then file. */
export const compareRoutes = (a: HttpRoute, b: HttpRoute): number =>
  compare(a.path, b.path) || compare(a.method, b.method) || compare(a.module, b.module);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
