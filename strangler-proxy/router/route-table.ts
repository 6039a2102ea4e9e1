/**
 * The route table, compiled once per config: first matching route wins; no match means
 * the monolith. `decide` then says whether this request is diverted to the route's
 * service (enabled, weight, sticky bucket).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteConfig } from '../config/schema.js';
import type { RouteCounters } from '../control.js';
import { readCookie } from './cookies.js';
import { compilePathPattern, hasPathPrefix, matchSegments, splitPath, type PathPattern } from './path-pattern.js';
import { divertFor, stickyBucket } from './sticky-hash.js';

export interface RequestFacts {
  method: string;
  /** The path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  clientAddress: string;
}

export interface CompiledRoute {
  readonly id: string;
  readonly config: RouteConfig;
  readonly pattern: PathPattern;
  /** Upper-case methods; undefined means every method. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly cookies: ReadonlyArray<readonly [string, string]>;
  readonly counters: RouteCounters;
  /** The path (and query) to send upstream for a diverted request. */
  rewrite(pathAndQuery: string): string;
}

export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
  match(facts: RequestFacts): CompiledRoute | undefined;
}

export const newCounters = (): RouteCounters => ({ matched: 0, diverted: 0, fallbacks: 0, errors: 0 });

function compileRewrite(route: RouteConfig): (pathAndQuery: string) => string {
  const strip = route.rewrite.stripPrefix;
  const add = route.rewrite.addPrefix ?? '';
  if (strip === undefined && add === '') return (pathAndQuery) => pathAndQuery;
  return (pathAndQuery) => {
    let rest = pathAndQuery;
    if (strip !== undefined) {
      const queryAt = rest.indexOf('?');
      const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
      if (hasPathPrefix(path, strip)) rest = rest.slice(strip.length);
      if (rest === '' || rest.startsWith('?')) rest = '/' + rest;
    }
    return add + rest;
  };
}

/**
 * `counters` carries each route's counters over from the previous table so a reload keeps
 * them (keyed by route id).
 */
export function compileRoutes(routes: readonly RouteConfig[], counters: Map<string, RouteCounters> = new Map()): RouteTable {
  const compiled = routes.map((route): CompiledRoute => {
    let routeCounters = counters.get(route.id);
    if (!routeCounters) {
      routeCounters = newCounters();
      counters.set(route.id, routeCounters);
    }
    const methods = route.match.methods.length === 0 ? undefined : new Set(route.match.methods);
    // A GET route answers HEAD too (RFC 9110 §9.3.2: HEAD is GET without the body).
    if (methods?.has('GET')) methods.add('HEAD');
    return {
      id: route.id,
      config: route,
      pattern: compilePathPattern(route.match.path),
      methods,
      headers: Object.entries(route.match.headers).map(([name, value]) => [name.toLowerCase(), value] as const),
      cookies: Object.entries(route.match.cookies),
      counters: routeCounters,
      rewrite: compileRewrite(route),
    };
  });
  return {
    routes: compiled,
    match(facts) {
      if (compiled.length === 0) return undefined;
      const segments = splitPath(facts.path);
      for (const route of compiled) {
        if (route.methods && !route.methods.has(facts.method)) continue;
        if (!matchSegments(route.pattern, segments)) continue;
        if (!headersMatch(route, facts.headers)) continue;
        return route;
      }
      return undefined;
    },
  };
}

function headersMatch(route: CompiledRoute, headers: IncomingHttpHeaders): boolean {
  for (const [name, want] of route.headers) {
    const got = headers[name];
    const value = Array.isArray(got) ? got.join(', ') : got;
    if (value === undefined || (want !== '*' && value !== want)) return false;
  }
  if (route.cookies.length > 0) {
    const cookieHeader = headers.cookie;
    for (const [name, want] of route.cookies) {
      const got = readCookie(cookieHeader, name);
      if (got === undefined || (want !== '*' && got !== want)) return false;
    }
  }
  return true;
}

/** The key a sticky route hashes: the cookie, the header, or else the client address. */
export function stickyKey(route: CompiledRoute, facts: RequestFacts): string | undefined {
  const sticky = route.config.sticky;
  if (!sticky) return undefined;
  if (sticky.by === 'cookie' && sticky.name !== undefined) return readCookie(facts.headers.cookie, sticky.name) ?? facts.clientAddress;
  if (sticky.by === 'header' && sticky.name !== undefined) {
    const value = facts.headers[sticky.name.toLowerCase()];
    return (Array.isArray(value) ? value[0] : value) ?? facts.clientAddress;
  }
  return facts.clientAddress;
}

/** Is this request diverted to the route's service? `random` is in [0, 1). */
export function decide(route: CompiledRoute, facts: RequestFacts, random: () => number = Math.random): boolean {
  const { enabled, weight } = route.config;
  if (!enabled || weight <= 0) return false;
  if (weight >= 100) return true;
  const key = stickyKey(route, facts);
  const bucket = key === undefined ? Math.floor(random() * 10_000) : stickyBucket(route.id, key);
  return divertFor(weight, bucket);
}
