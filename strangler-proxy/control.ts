/**
 * The seam between the data plane and the admin side (admin API, live page, metrics).
 * The admin side only ever talks to a running proxy through `ProxyControl`, and only ever
 * hears about traffic through `ProxyObserver`. This file is only added to, never changed.
 */

/** How a route's traffic is counted since the proxy started (or since the route appeared). */
export interface RouteCounters {
  /** Requests that matched the route (enabled or not). */
  matched: number;
  /** Requests sent to the route's service (not counting fallbacks to the monolith). */
  diverted: number;
  /** Requests that went to the service but were answered by the monolith (fallback). */
  fallbacks: number;
  /** Responses with status >= 500 sent to clients for this route (including proxy 502/503/504). */
  errors: number;
}

export interface RouteStatus {
  id: string;
  /** The match as configured: path pattern, methods, headers, cookies. */
  match: {
    path: string;
    methods: readonly string[];
    headers: Readonly<Record<string, string>>;
    cookies: Readonly<Record<string, string>>;
  };
  /** Name of the target service. */
  target: string;
  /** Percentage (0..100) of matching traffic diverted to the target; the rest goes to the monolith. */
  weight: number;
  enabled: boolean;
  counters: RouteCounters;
}

export type BreakerStateName = 'closed' | 'open' | 'half-open';

export interface InstanceStatus {
  /** Service name; the monolith's instances use the service name "monolith". */
  service: string;
  url: string;
  /** Result of the active health check (true when no health check is configured). */
  healthy: boolean;
  /** Ejected by passive outlier detection until this time (epoch ms), or undefined. */
  ejected: boolean;
  ejectedUntil?: number;
  breaker: BreakerStateName;
  inflight: number;
  /** Exponentially weighted moving average of response-header latency, in ms. */
  ewmaMs: number;
  requests: number;
  failures: number;
}

/** Called once per proxied request, after the response finished (or failed). */
export interface RequestEvent {
  /** Route id, or undefined when no route matched (plain monolith traffic). */
  route: string | undefined;
  /** Service that answered: a service name or "monolith". */
  target: string;
  /** Instance URL that answered, or undefined when none could be reached. */
  instance: string | undefined;
  method: string;
  status: number;
  durationMs: number;
  /** True when the request was sent to the route's service (even if it then fell back). */
  diverted: boolean;
  /** True when the service failed and the monolith answered instead. */
  fallback: boolean;
  /** Retries spent on this request. */
  retries: number;
}

/** The metrics side implements this; the proxy calls it on the hot path, so keep it cheap. */
export interface ProxyObserver {
  onRequest(event: RequestEvent): void;
  /** A config (file or admin) was applied; `version` increases by one each time. */
  onReload?(version: number): void;
}

/** What the admin API can see and change on a running proxy. */
export interface ProxyControl {
  routes(): RouteStatus[];
  instances(): InstanceStatus[];
  /**
   * Replaces the whole `routes` list. `routesConfig` is the same shape as the config file's
   * `routes` key. Validates it (throws StranglerError CONFIG_INVALID naming the bad key, or
   * CONFIG_UNKNOWN_SERVICE) and applies it atomically: requests in flight finish on the old
   * table, new requests use the new one.
   */
  replaceRoutes(routesConfig: unknown): void;
  /** Sets a route's weight (0..100). Throws PROXY_UNKNOWN_ROUTE or CONFIG_INVALID. */
  setWeight(routeId: string, percent: number): void;
  /** Enables or disables a route. Throws PROXY_UNKNOWN_ROUTE. */
  setEnabled(routeId: string, enabled: boolean): void;
  /** Reads the config file again and applies it (throws like startup validation does). */
  reload(): Promise<void>;
  /** Increases by one with every applied change. */
  version(): number;
  /** The config in effect (frozen), e.g. for the admin page. */
  config(): unknown;
}
