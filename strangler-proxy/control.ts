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
  /** The connection pool of proxied requests (the builtin HTTP/1.1 client only): open and idle connections, requests waiting for one. */
  pool?: { connections: number; idle: number; queued: number };
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
  /** A request picked for shadowing got its outcome (see `ShadowEvent`). Called off the client's path. */
  onShadow?(event: ShadowEvent): void;
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
  /** Shadow traffic per route (routes with a `shadow` section) and the latest mismatch samples. */
  shadowReport?(): ShadowReport;
}

/** Why a shadowed response did not match the primary's. */
export type ShadowMismatchReason = 'status' | 'headers' | 'body';

/**
 * What became of one request picked for shadowing:
 * - `matched` / `mismatched`: both answers arrived and were compared;
 * - `too-large`: status and headers matched, but a body passed `maxBodyBytes` and was not compared;
 * - `error`: the shadow side failed (connection error, timeout, no instance);
 * - `skipped`: picked but not sent or not compared (method not listed, request body too large
 *   or of unknown length, the primary failed, fell back or the client went away).
 */
export type ShadowOutcome = 'matched' | 'mismatched' | 'too-large' | 'error' | 'skipped';

/** Called once per request picked for shadowing, when its outcome is known (off the client's path). */
export interface ShadowEvent {
  route: string;
  /** Service that answered the client ("monolith" or a service name). */
  primary: string;
  /** Service the copy went to (undefined when skipped before a target was chosen). */
  shadow: string | undefined;
  method: string;
  outcome: ShadowOutcome;
  /** For `mismatched`: every aspect that differed. */
  reasons: readonly ShadowMismatchReason[];
  primaryStatus: number | undefined;
  shadowStatus: number | undefined;
  /** Time the shadow side took to answer completely, or until it failed. */
  shadowMs: number | undefined;
  /** For `error` and `skipped`: a short reason such as "timeout" or "request body too large". */
  detail: string | undefined;
}

/** Shadow counters of one route since it appeared. */
export interface ShadowTotals {
  /** Shadow requests sent. */
  shadowed: number;
  matched: number;
  /** Responses that differed (one response may differ in several ways; see `mismatchedBy`). */
  mismatched: number;
  mismatchedBy: Record<ShadowMismatchReason, number>;
  /** Bodies not compared because one passed `maxBodyBytes` (status and headers matched). */
  tooLarge: number;
  /** Shadow requests that failed; `timeouts` is the part of them that timed out. */
  errors: number;
  timeouts: number;
  /**
   * Requests not copied or not compared, by reason: `method` not listed, request `body` too
   * large or of unknown length, `busy` (`maxConcurrent` copies already running), `primary`
   * failed, fell back or the client went away.
   */
  skipped: number;
  skippedBy: { method: number; body: number; busy: number; primary: number };
}

/** One mismatch, for the admin side. Secrets are redacted: no Authorization/Cookie values, secret-looking query values masked. */
export interface ShadowSample {
  /** Epoch ms when the comparison finished. */
  at: number;
  route: string;
  method: string;
  /** Path with query string, as the client sent it (secret-looking query values masked). */
  path: string;
  primary: { service: string; status: number };
  shadow: { service: string; status: number };
  reasons: readonly ShadowMismatchReason[];
  /** A few short lines, e.g. `$.price: primary 10, shadow 12` or `status: primary 200, shadow 404`. */
  diff: readonly string[];
}

export interface ShadowRouteReport {
  route: string;
  /** Configured shadow target ("monolith" or a service name); undefined for a route whose shadow section was removed. */
  service: string | undefined;
  percent: number | undefined;
  totals: ShadowTotals;
}

export interface ShadowReport {
  routes: ShadowRouteReport[];
  /** The latest mismatch samples, oldest first (at most 50). */
  samples: ShadowSample[];
}
