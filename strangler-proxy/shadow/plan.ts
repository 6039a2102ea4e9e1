/**
 * A route's compiled shadow settings. `begin` is called once per request matching the
 * route and decides, cheaply, whether this request is copied: method listed, sampled by
 * `percent`, and a request body that is absent or small enough to buffer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteConfig } from '../config/schema.js';
import type { CompareSettings } from './compare.js';
import { parseJsonPath, type JsonPath } from './json-path.js';
import type { ShadowRecorder } from './recorder.js';
import type { ShadowConfig } from './shadow-config.js';
import { ShadowTrip } from './trip.js';

export class ShadowPlan {
  readonly methods: ReadonlySet<string>;
  readonly compare: CompareSettings;
  /** Trips begun and not yet settled. */
  running = 0;

  constructor(
    readonly routeId: string,
    /** The route's own service (the diverted side). */
    readonly routeService: string,
    readonly config: ShadowConfig,
    readonly recorder: ShadowRecorder,
    private readonly random: () => number = Math.random,
  ) {
    const methods = new Set(config.methods);
    // Like route matching: GET covers HEAD (RFC 9110 §9.3.2).
    if (methods.has('GET')) methods.add('HEAD');
    this.methods = methods;
    const ignore: JsonPath[] = [];
    for (const source of config.compare.ignoreJsonPaths) {
      const parsed = parseJsonPath(source);
      if (typeof parsed !== 'string') ignore.push(parsed);
    }
    this.compare = {
      status: config.compare.status,
      headers: config.compare.headers.map((name) => name.toLowerCase()),
      body: config.compare.body,
      ignore,
    };
  }

  /**
   * Is this request copied? Returns its trip, or undefined. A trip with `needsBody` wants the
   * request body buffered (it declared a Content-Length within `maxBodyBytes`).
   */
  begin(method: string, pathAndQuery: string, headers: IncomingHttpHeaders, hasBody: boolean): ShadowTrip | undefined {
    if (!this.methods.has(method)) {
      this.recorder.countSkip(this.routeId, 'method');
      return undefined;
    }
    const percent = this.config.percent;
    if (percent <= 0 || (percent < 100 && this.random() * 100 >= percent)) return undefined;
    if (this.running >= this.config.maxConcurrent) {
      this.recorder.countSkip(this.routeId, 'busy');
      return undefined;
    }
    let needsBody = false;
    if (hasBody) {
      const length = headers['content-length'];
      const bytes = length === undefined ? Number.NaN : Number(length);
      // Chunked uploads have no declared size: never hold them to find out.
      if (headers['transfer-encoding'] !== undefined || !Number.isSafeInteger(bytes) || bytes > this.config.maxBodyBytes) {
        this.recorder.countSkip(this.routeId, 'body');
        return undefined;
      }
      needsBody = bytes > 0;
    }
    this.running++;
    return new ShadowTrip(this, method, pathAndQuery, needsBody);
  }
}

/** Plans for the routes that have a `shadow` section; undefined when none has (the hot path then skips it all). */
export function compileShadows(routes: readonly RouteConfig[], recorder: ShadowRecorder): ReadonlyMap<string, ShadowPlan> | undefined {
  recorder.configure(routes);
  let plans: Map<string, ShadowPlan> | undefined;
  for (const route of routes) {
    if (!route.shadow) continue;
    plans ??= new Map();
    plans.set(route.id, new ShadowPlan(route.id, route.service, route.shadow, recorder));
  }
  return plans;
}
