/**
 * The proxy's config schema: one definition gives the types, the defaults, validation that
 * names the bad key (`routes[2].service`) and the docs (README.md lists these keys).
 */
import {
  array,
  boolean,
  duration,
  number,
  object,
  oneOf,
  optional,
  record,
  refine,
  string,
  type Issue,
  type Schema,
} from '../../common/config/schema.js';
import { adminConfigSchema } from '../admin/admin-config.js';
import { TOKEN } from '../http/headers.js';
import { shadowSchema } from '../shadow/shadow-config.js';

const HTTP_URL = /^https?:\/\/[^/\s]+\/?$/;
const ROUTE_ID = /^[a-z0-9][a-z0-9._-]*$/i;
const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const METHOD = /^[A-Z]+$/;

const instanceUrl = string({
  pattern: HTTP_URL,
  patternHint: 'an http(s) origin such as http://10.0.0.5:8080 (no path)',
  description: 'Origin of one instance.',
});

export const LISTEN_SERVERS = ['builtin', 'node'] as const;
export const BALANCERS = ['round-robin', 'least-connections', 'p2c-ewma', 'consistent-hash'] as const;
export type BalancerName = (typeof BALANCERS)[number];

const healthCheckSchema = object({
  path: string({ default: '/health', pattern: /^\//, patternHint: 'a path starting with /', description: 'Path probed with GET.' }),
  interval: duration({ default: 5000, min: 50, description: 'Time between probes of one instance.' }),
  timeout: duration({ default: 1000, min: 10, description: 'A probe slower than this fails.' }),
  healthyThreshold: number({ default: 2, integer: true, min: 1, description: 'Consecutive passes that make an instance healthy.' }),
  unhealthyThreshold: number({ default: 3, integer: true, min: 1, description: 'Consecutive failures that make it unhealthy.' }),
});

const breakerSchema = object(
  {
    failureThreshold: number({ default: 5, integer: true, min: 1, description: 'Consecutive connect errors/timeouts that open it.' }),
    openFor: duration({ default: 10_000, min: 1, description: 'How long it stays open before one trial request.' }),
    successThreshold: number({ default: 1, integer: true, min: 1, description: 'Trial successes (half-open) that close it.' }),
  },
  { default: { failureThreshold: 5, openFor: 10_000, successThreshold: 1 } },
);

const outlierSchema = object(
  {
    consecutive5xx: number({ default: 5, integer: true, min: 1, description: 'Consecutive 5xx responses that eject an instance.' }),
    baseEjection: duration({ default: 30_000, min: 1, description: 'First ejection time; doubles with each ejection in a row.' }),
    maxEjectionPercent: number({ default: 50, min: 0, max: 100, description: 'Never eject more than this share of instances.' }),
  },
  { default: { consecutive5xx: 5, baseEjection: 30_000, maxEjectionPercent: 50 } },
);

const poolSchema = object(
  {
    connections: number({ default: 128, integer: true, min: 1, description: 'Max keep-alive connections per instance.' }),
    keepAliveTimeout: duration({ default: 30_000, min: 1, description: 'Idle time before a pooled connection is closed.' }),
    connectTimeout: duration({ default: 2000, min: 1, description: 'TCP connect timeout.' }),
    client: oneOf(['builtin', 'undici'] as const, {
      default: 'builtin',
      description:
        "Client for proxied requests: builtin (this proxy's own HTTP/1.1 client on node's parser, less CPU per request) or undici. Health checks, shadow copies and WebSocket upgrades always use undici.",
    }),
  },
  { default: { connections: 128, keepAliveTimeout: 30_000, connectTimeout: 2000, client: 'builtin' } },
);

const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

/** TLS towards a service's https:// instances (checked against its files in `upstream-tls.ts`). */
const upstreamTlsSchema = object({
  caFile: optional(
    string({
      minLength: 1,
      description: "PEM CA certificates the instances' certificates must be signed by (instead of Node's CA store).",
    }),
  ),
  certFile: optional(
    string({ minLength: 1, description: 'PEM client certificate presented to the instances (mutual TLS), with keyFile.' }),
  ),
  keyFile: optional(string({ minLength: 1, description: 'PEM private key of certFile (unencrypted).' })),
  serverName: optional(
    string({
      pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i,
      patternHint: 'a host name such as catalog.internal',
      description: "Name sent as SNI and checked against the instances' certificates (default: the instance's host).",
    }),
  ),
  rejectUnauthorized: boolean({ default: true, description: "false: do not check the instances' certificates (insecure; logged)." }),
  minVersion: oneOf(TLS_VERSIONS, { default: 'TLSv1.2', description: 'Oldest TLS version used.' }),
});

const serviceShape = {
  instances: array(instanceUrl, { minItems: 1, description: 'Instance origins.' }),
  balancer: oneOf(BALANCERS, { default: 'round-robin', description: 'How an instance is picked.' }),
  healthCheck: optional(healthCheckSchema),
  breaker: breakerSchema,
  outlier: outlierSchema,
  pool: poolSchema,
  tls: optional(upstreamTlsSchema),
};

/** `tls` needs an https:// instance to apply to, and a client certificate comes with its key. */
function serviceTlsIssues(service: { instances: readonly string[]; tls?: UpstreamTlsConfig | undefined }, path: string): Issue[] {
  const tls = service.tls;
  if (tls === undefined) return [];
  const at = path ? `${path}.tls` : 'tls';
  const issues: Issue[] = [];
  if (!service.instances.some((url) => url.startsWith('https://'))) {
    issues.push({
      path: at,
      message: 'applies to https:// instances only, and every instance here is http://; make the instances https:// or remove tls',
    });
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    const [given, missing] = tls.certFile === undefined ? ['keyFile', 'certFile'] : ['certFile', 'keyFile'];
    issues.push({ path: `${at}.${missing}`, message: `is required with ${given} (a client certificate needs both), or remove ${given}` });
  }
  return issues;
}

export const serviceSchema = refine(object(serviceShape), serviceTlsIssues);

const routeTimeouts = object(
  {
    headers: optional(duration({ min: 1, description: 'Upstream must send response headers within this (504 otherwise).' })),
    body: optional(duration({ min: 1, description: 'Max idle time between upstream body chunks.' })),
  },
  { default: { headers: undefined, body: undefined } },
);

const stickySchema = object({
  by: oneOf(['cookie', 'header', 'client'] as const, { description: 'What identifies a user: a cookie, a header or the client address.' }),
  name: optional(string({ minLength: 1, description: 'Cookie or header name (not for `client`).' })),
});

const matchSchema = object({
  path: string({
    pattern: /^\/[^\s?#]*$/,
    patternHint: 'a path pattern such as /api/catalog/** (segments, :param, *, trailing /**)',
    description: 'Path pattern, matched per segment.',
  }),
  methods: array(string({ pattern: METHOD, patternHint: 'an upper-case HTTP method' }), {
    default: [],
    description: 'Methods (empty: all).',
  }),
  headers: record(string(), { default: {}, description: 'Header name → exact value ("*": present).' }),
  cookies: record(string(), { default: {}, description: 'Cookie name → exact value ("*": present).' }),
});

const rewriteSchema = object(
  {
    stripPrefix: optional(string({ pattern: /^\/.*[^/]$/, patternHint: 'a path prefix such as /api (no trailing /)' })),
    addPrefix: optional(string({ pattern: /^\/.*[^/]$/, patternHint: 'a path prefix such as /v2 (no trailing /)' })),
  },
  { default: { stripPrefix: undefined, addPrefix: undefined } },
);

const retriesSchema = object(
  {
    attempts: number({
      default: 1,
      integer: true,
      min: 0,
      max: 5,
      description: 'Extra tries on another instance (idempotent, bodiless requests).',
    }),
  },
  { default: { attempts: 1 } },
);

export const routeSchema = object({
  id: string({ pattern: ROUTE_ID, patternHint: 'an id of letters, digits, . _ -', description: 'Stable route id.' }),
  match: matchSchema,
  service: string({ pattern: SERVICE_NAME, patternHint: 'a service name', description: 'Target service (a key of `services`).' }),
  weight: number({ default: 100, min: 0, max: 100, description: 'Percentage of matching traffic diverted to the service.' }),
  enabled: boolean({ default: true, description: 'When false, matching traffic goes to the monolith.' }),
  sticky: optional(stickySchema),
  rewrite: rewriteSchema,
  timeouts: routeTimeouts,
  retries: retriesSchema,
  fallback: boolean({
    default: true,
    description: 'Send to the monolith when the service fails (connect errors; 5xx for idempotent requests).',
  }),
  shadow: optional(shadowSchema),
});

function routeIssues(routes: readonly RouteConfig[], path: string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  routes.forEach((route, index) => {
    if (seen.has(route.id)) issues.push({ path: `${path}[${index}].id`, message: `duplicate route id "${route.id}"` });
    seen.add(route.id);
    if (route.sticky && route.sticky.by !== 'client' && route.sticky.name === undefined) {
      issues.push({ path: `${path}[${index}].sticky.name`, message: `is required when sticky.by is "${route.sticky.by}"` });
    }
    for (const name of Object.keys(route.match.headers)) {
      if (!TOKEN.test(name)) issues.push({ path: `${path}[${index}].match.headers.${name}`, message: 'is not a valid header name' });
    }
    const segments = route.match.path.split('/');
    segments.forEach((segment, at) => {
      if (segment === '**' && at !== segments.length - 1) {
        issues.push({ path: `${path}[${index}].match.path`, message: '`**` is only allowed as the last segment' });
      }
    });
  });
  return issues;
}

export const routesSchema = refine(array(routeSchema, { default: [], description: 'Routes, first match wins.' }), routeIssues);

const tlsSchema = object({
  certFile: string({ minLength: 1, description: 'PEM certificate (with its intermediates), relative to the config file.' }),
  keyFile: string({ minLength: 1, description: 'PEM private key of certFile (unencrypted), relative to the config file.' }),
  caFile: optional(
    string({ minLength: 1, description: 'PEM CA certificates client certificates must be signed by: set, clients must present one.' }),
  ),
  minVersion: oneOf(TLS_VERSIONS, { default: 'TLSv1.2', description: 'Oldest TLS version accepted.' }),
});

const listenSchema = object(
  {
    host: string({ default: '0.0.0.0', description: 'Address the proxy listens on.' }),
    port: number({ default: 8080, integer: true, min: 0, max: 65535, description: 'Port (0: any free port).' }),
    tls: optional(tlsSchema),
    server: oneOf(LISTEN_SERVERS, {
      default: 'builtin',
      description:
        "Who reads requests on a plain-HTTP listener: builtin (the proxy's own HTTP/1.1 reader for bodiless requests, node:http for the rest) or node (node:http for all). With tls, node:https reads all.",
    }),
  },
  { default: { host: '0.0.0.0', port: 8080, tls: undefined, server: 'builtin' } },
);

const timeoutsSchema = object(
  {
    clientHeaders: duration({
      default: 10_000,
      min: 1,
      description: 'A client must send its request headers within this (node:http headersTimeout).',
    }),
    clientRequest: duration({
      default: 300_000,
      min: 1,
      description: 'A client must send its whole request within this (node:http requestTimeout).',
    }),
    clientKeepAlive: duration({ default: 5000, min: 1, description: 'Idle time before a client keep-alive connection is closed.' }),
    upstreamHeaders: duration({ default: 30_000, min: 1, description: 'Default for routes[].timeouts.headers.' }),
    upstreamBody: duration({ default: 60_000, min: 1, description: 'Default for routes[].timeouts.body.' }),
    shutdownGrace: duration({ default: 10_000, min: 0, description: 'How long shutdown waits for in-flight requests.' }),
  },
  {
    default: {
      clientHeaders: 10_000,
      clientRequest: 300_000,
      clientKeepAlive: 5000,
      upstreamHeaders: 30_000,
      upstreamBody: 60_000,
      shutdownGrace: 10_000,
    },
  },
);

const retryBudgetSchema = object(
  {
    ratio: number({ default: 0.2, min: 0, max: 1, description: 'Retries earned per request (0.2: at most one retry per five requests).' }),
    burst: number({ default: 10, integer: true, min: 0, description: 'Most retries the budget holds (and starts with).' }),
  },
  { default: { ratio: 0.2, burst: 10 } },
);

export const proxyConfigSchema = refine(
  object({
    listen: listenSchema,
    monolith: refine(object(serviceShape, { description: 'The monolith: where everything not diverted goes.' }), serviceTlsIssues),
    services: record(serviceSchema, { default: {}, description: 'Extracted services by name.' }),
    routes: routesSchema,
    timeouts: timeoutsSchema,
    retryBudget: retryBudgetSchema,
    maxHeaderSize: number({ default: 16_384, integer: true, min: 1024, description: 'Largest request head accepted (400 beyond).' }),
    trustForwarded: boolean({ default: false, description: 'Keep X-Forwarded-* / Forwarded from clients (only behind a trusted proxy).' }),
    preserveHost: boolean({ default: false, description: "Send the client's Host upstream instead of the instance's." }),
    exposeUpstream: boolean({ default: false, description: 'Add x-strangler-upstream and x-strangler-route to responses.' }),
    accessLog: boolean({ default: true, description: 'One structured log line per request.' }),
    admin: optional(adminConfigSchema),
  }),
  (config, path) => [
    ...serviceIssues(config.services, config.routes, path),
    ...(config.timeouts.clientHeaders > config.timeouts.clientRequest
      ? [{ path: `${path ? path + '.' : ''}timeouts.clientHeaders`, message: 'must not be longer than timeouts.clientRequest' }]
      : []),
  ],
);

export function serviceIssues(services: Readonly<Record<string, unknown>>, routes: readonly RouteConfig[], path = ''): Issue[] {
  const issues: Issue[] = [];
  const known = Object.keys(services);
  if (known.includes('monolith'))
    issues.push({ path: `${path ? path + '.' : ''}services.monolith`, message: 'the name "monolith" is reserved' });
  routes.forEach((route, index) => {
    if (!known.includes(route.service)) {
      issues.push({
        path: `${path ? path + '.' : ''}routes[${index}].service`,
        message: `unknown service "${route.service}"; known services: ${known.join(', ') || '(none)'}`,
      });
    }
    const shadow = route.shadow?.service;
    if (shadow !== undefined && shadow !== 'monolith' && !known.includes(shadow)) {
      issues.push({
        path: `${path ? path + '.' : ''}routes[${index}].shadow.service`,
        message: `unknown service "${shadow}"; use "monolith" or one of: ${known.join(', ') || '(none)'}`,
      });
    }
  });
  return issues;
}

type Infer<S> = S extends Schema<infer T> ? T : never;
export type ProxyConfig = Infer<typeof proxyConfigSchema>;
export type ServiceConfig = Infer<typeof serviceSchema>;
export type RouteConfig = Infer<typeof routeSchema>;
export type HealthCheckConfig = Infer<typeof healthCheckSchema>;
export type BreakerConfig = Infer<typeof breakerSchema>;
export type OutlierConfig = Infer<typeof outlierSchema>;
export type PoolConfig = Infer<typeof poolSchema>;
export type TlsConfig = Infer<typeof tlsSchema>;
export type UpstreamTlsConfig = Infer<typeof upstreamTlsSchema>;
