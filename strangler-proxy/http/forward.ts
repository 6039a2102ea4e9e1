/**
 * The hot path: one client request → route decision → an upstream instance over its
 * keep-alive pool → the response streamed back. Bodies stream both ways with
 * backpressure (the request stream is written to the upstream connection as it comes; the
 * response goes from the client's parser to the client socket through a sink, upstream-call.ts), never buffered
 * beyond BODY_BUFFER_BYTES. A diverted request that fails falls back to the monolith when that is safe:
 * always for idempotent bodiless requests, and for any request the upstream surely never
 * saw (connection refused) whose body has not been read yet.
 *
 * Each request is one `Exchange`: its retries, fallback and delivery are state and methods
 * on that object, not closures made at every step, so that besides it a request costs the
 * heap here little more than two bound functions (the upstream settle, the client's close
 * listener) and the request handed to the upstream client.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../common/logger.js';
import type { ProxyObserver } from '../control.js';
import type { ProxyRuntime, ProxyState } from '../runtime.js';
import { hasDotSegment } from '../router/path-pattern.js';
import { decide, stickyKey, type CompiledRoute, type RequestFacts } from '../router/route-table.js';
import { readSmallBody, type ShadowTrip } from '../shadow/trip.js';
import type { Instance } from '../upstream/instance.js';
import type { UpstreamService } from '../upstream/service.js';
import { clientResponseFields, upstreamRequestHeaders, type ForwardContext } from './headers.js';
import { bodyStream, type InboundHandler, type InboundRequest, type InboundResponse } from './inbound.js';
import { IDEMPOTENT, type BodySink, type Settle, type UpstreamResponse } from './upstream-call.js';
import { CLIENT_GONE, NO_INSTANCE, classifyFailure, sendProxyError, type FailureClass } from './upstream-errors.js';

export interface HandlerOptions {
  runtime: ProxyRuntime;
  logger: Logger;
  observer?: ProxyObserver | undefined;
  /** True once shutdown started: answers carry `Connection: close`. */
  draining: () => boolean;
}

/** Response bytes held for a slow client before the upstream is paused (per request). */
const BODY_BUFFER_BYTES = 128 * 1024;

/** The abort reason given to the upstream call when the client hangs up (classified as CLIENT_GONE through `clientGone`). */
const CLIENT_ABORTED = Object.assign(new Error('the client went away'), { code: 'UND_ERR_ABORTED' });

/** `Instance.onAnswer`'s ejection check for an answer below 500, which never ejects. */
const NEVER = (): boolean => false;

function requestHasBody(req: InboundRequest): boolean {
  if (req.bodiless === true) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * One client request, from the route decision to the end of its answer. It is also what
 * the router looks at (RequestFacts), what upstreamRequestHeaders reads (ForwardContext)
 * and where the chosen answer's body goes (BodySink). Every field is declared here and
 * set at construction, in one order, so that V8 gives all exchanges one shape.
 *
 * Attempts run one at a time: the next one (a retry, or the fallback to the monolith) is
 * sent from the previous one's settle, so the attempt in flight and the outcome of the
 * last one live here, and one bound `settle` serves them all.
 */
class Exchange implements RequestFacts, ForwardContext, BodySink {
  readonly state: ProxyState;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly clientAddress: string;
  readonly pathAndQuery: string;
  hasBody = false;
  /** May be sent again: idempotent and without a body. */
  replayable = false;
  route: CompiledRoute | undefined = undefined;
  readonly started: number;
  diverted = false;
  fallback = false;
  retries = 0;
  /** The fields sent upstream, built for the first attempt. */
  upstreamHeaders: string[] | undefined = undefined;
  /** The attempt in progress: aborted when the client goes away before the answer is complete. */
  call: UpstreamResponse | undefined = undefined;
  clientGone = false;
  /** This request is copied to the shadow side (routes with `shadow` only). */
  shadow: ShadowTrip | undefined = undefined;
  /** The request body, when it was buffered for a shadow copy (then sent from here, not streamed). */
  body: Buffer | undefined = undefined;
  /** `finish` ran: counted, logged and the state released, once. */
  finished = false;

  /** The service being tried (the monolith until `divert` picks the route's), with what `tryService` was given for it. */
  service: UpstreamService;
  upstreamPath = '';
  attempts = 0;
  retry5xx = false;
  /** The service is the route's: once its attempts are over, a repeatable outcome goes to the monolith if the route allows. */
  mayFallBack = false;
  /** Retries made on this service so far. */
  round = 0;
  /** The balancer's key for sticky picks, on this service and for the shadow copy. */
  hashKey = '';

  /** The last attempt's instance: undefined when none could be picked. */
  instance: Instance | undefined = undefined;
  /** When that attempt was sent: its latency counts from here. */
  sentAt = 0;
  /** Its answer, from the head on; undefined when it failed. */
  response: UpstreamResponse | undefined = undefined;
  /** Why it failed: read when `response` is undefined. */
  failure: FailureClass = NO_INSTANCE;

  /** The answer's head went out and its body is on its way: `delivered` has not run yet. */
  delivering = false;
  /** The shadow copy started for the answer being delivered. */
  trip: ShadowTrip | undefined = undefined;
  /** `resumeUpstream`, bound the first time the client's socket buffer fills. */
  onDrain: (() => void) | undefined = undefined;
  readonly settle: Settle = this.settled.bind(this);

  constructor(
    readonly options: HandlerOptions,
    readonly req: InboundRequest,
    readonly res: InboundResponse,
  ) {
    this.state = options.runtime.acquire();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    this.method = req.method ?? 'GET';
    this.path = queryAt === -1 ? url : url.slice(0, queryAt);
    this.clientAddress = req.socket.remoteAddress ?? '';
    this.pathAndQuery = url;
    this.started = performance.now();
    this.service = this.state.monolith;
  }

  /**
   * RequestFacts: a getter, not a field, because reading `req.headers` builds the header
   * object (FrontRequest builds it on first use); only a route matching on headers, or
   * sticky by header or cookie, reads it.
   */
  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  // ForwardContext, for the fields sent upstream: the scheme the client used, and this config's forwarding settings.

  get proto(): string {
    return 'encrypted' in this.req.socket ? 'https' : 'http';
  }

  get trustForwarded(): boolean {
    return this.state.config.trustForwarded;
  }

  get preserveHost(): boolean {
    return this.state.config.preserveHost;
  }

  start(): void {
    this.res.once('close', this.closed.bind(this));
    // Origin-form only (RFC 9112 §3.2.1): this is a reverse proxy, not a forward proxy.
    if (this.path.charCodeAt(0) !== 47 /* / */ || hasDotSegment(this.path)) {
      sendProxyError(this.res, 400, { reason: 'the request target must be an origin-form path without . or .. segments' }, true);
      this.finish(400, 'proxy', undefined);
      return;
    }
    this.hasBody = requestHasBody(this.req);
    this.replayable = !this.hasBody && IDEMPOTENT.has(this.method);
    try {
      this.route = this.state.table.match(this);
      this.run();
    } catch (error) {
      this.internalError(error);
    }
  }

  /** The client's response closed: before it was complete, the client went away. */
  private closed(): void {
    const failed = !this.res.writableFinished;
    if (failed) {
      this.clientGone = true;
      this.call?.abort(CLIENT_ABORTED);
    }
    this.delivered(failed);
  }

  private finish(status: number, target: string, instance: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    const { runtime, logger, observer } = this.options;
    runtime.release(this.state);
    const durationMs = performance.now() - this.started;
    const route = this.route;
    if (route && status >= 500) route.counters.errors++;
    observer?.onRequest({
      route: route?.id,
      target,
      instance,
      method: this.method,
      status,
      durationMs,
      diverted: this.diverted,
      fallback: this.fallback,
      retries: this.retries,
    });
    if (runtime.current.config.accessLog) {
      logger.info('request', {
        method: this.method,
        path: this.path,
        status,
        route: route?.id,
        target,
        instance,
        ms: Math.round(durationMs * 1000) / 1000,
        diverted: this.diverted,
        fallback: this.fallback,
        retries: this.retries,
        client: this.clientAddress,
      });
    }
  }

  /** The route's shadow copy is set up (its body buffered when it needs one), then `divert`. */
  private run(): void {
    const { route, state } = this;
    if (route) {
      route.counters.matched++;
      const plan = state.shadows?.get(route.id);
      if (plan !== undefined) {
        const trip = plan.begin(this.method, this.pathAndQuery, this.req.headers, this.hasBody);
        this.shadow = trip;
        if (trip?.needsBody) {
          // Small (Content-Length within maxBodyBytes): buffered once, sent to both sides.
          readSmallBody(bodyStream(this.req)).then(
            (body) => {
              trip.body = body;
              if (body === undefined) {
                trip.skip('the client did not send the whole request body');
                this.shadow = undefined;
              } else this.body = body;
              this.divert();
            },
            (error: unknown) => this.internalError(error),
          );
          return;
        }
      }
    }
    this.divert();
  }

  /** The route's service when the weight says so (falling back to the monolith when allowed), else the monolith. */
  private divert(): void {
    const { route, state } = this;
    const service = route && decide(route, this) ? state.services.get(route.config.service) : undefined;
    if (route === undefined || service === undefined) return this.toMonolith();
    this.diverted = true;
    route.counters.diverted++;
    this.tryService(service, route.rewrite(this.pathAndQuery), route.config.retries.attempts, true, route.config.fallback);
  }

  // The monolith's own 5xx answers are passed on; only unreachable instances are retried.
  private toMonolith(): void {
    this.tryService(this.state.monolith, this.pathAndQuery, 1, false, false);
  }

  /** Tries `service`, retrying on other instances within `attempts` and the budget; then `serviceOver`. */
  private tryService(service: UpstreamService, path: string, attempts: number, retry5xx: boolean, mayFallBack: boolean): void {
    this.service = service;
    this.upstreamPath = path;
    this.attempts = attempts;
    this.retry5xx = retry5xx;
    this.mayFallBack = mayFallBack;
    this.round = 0;
    this.hashKey = (this.route ? stickyKey(this.route, this) : undefined) ?? this.clientAddress;
    this.options.runtime.budget.onRequest();
    const first = service.pick(Date.now(), this.hashKey);
    if (first) return this.send(first);
    this.instance = undefined;
    this.response = undefined;
    this.failure = NO_INSTANCE;
    this.serviceOver();
  }

  /** One attempt on `instance`; `settled` gets its outcome (possibly before this returns). */
  private send(instance: Instance): void {
    const { req, state } = this;
    const routeTimeouts = this.route?.config.timeouts;
    this.upstreamHeaders ??= upstreamRequestHeaders(req.rawHeaders, this);
    this.instance = instance;
    this.response = undefined;
    this.sentAt = performance.now();
    instance.onStart(Date.now());
    const call = instance.client.dispatch(
      {
        path: this.upstreamPath,
        method: this.method,
        headers: this.upstreamHeaders,
        body: this.body ?? (this.hasBody ? bodyStream(req) : null),
        headersTimeout: (this.diverted ? routeTimeouts?.headers : undefined) ?? state.config.timeouts.upstreamHeaders,
        bodyTimeout: (this.diverted ? routeTimeouts?.body : undefined) ?? state.config.timeouts.upstreamBody,
      },
      this.settle,
    );
    this.call = call;
    if (this.clientGone) call.abort(CLIENT_ABORTED);
  }

  /** The outcome of the attempt on `instance` (the one in flight: an attempt starts only once the previous one settled). */
  private settled(outcome: UpstreamResponse | Error): void {
    const instance = this.instance as Instance;
    if (outcome instanceof Error) {
      // A client that hangs up mid-upload makes the upload fail: not the instance's fault.
      const failure = this.clientGone ? CLIENT_GONE : classifyFailure(outcome);
      if (failure.clientGone) instance.onAbandoned();
      else instance.onFailure(Date.now());
      this.failure = failure;
    } else {
      const now = Date.now();
      const service = this.service;
      // Only a 5xx can eject the instance: the closure is made for those alone.
      const mayEject = outcome.statusCode >= 500 ? () => service.mayEject(now) : NEVER;
      instance.onAnswer(outcome.statusCode, performance.now() - this.sentAt, now, mayEject);
      this.response = outcome;
    }
    // Called from the upstream's parser: a throw here must end this exchange, not the connection's reader.
    try {
      this.attemptOver();
    } catch (error) {
      this.internalError(error);
    }
  }

  /** May the last attempt's outcome be repeated elsewhere (another instance, or the monolith)? */
  private repeatable(): boolean {
    const { response, failure } = this;
    if (response !== undefined) return this.replayable && response.statusCode >= 500;
    if (failure.clientGone) return false;
    if (this.replayable) return true;
    return failure.notSent && (this.body !== undefined || !this.req.readableDidRead);
  }

  /** Another instance of the service, when the outcome may be repeated and the attempts and the budget allow. */
  private attemptOver(): void {
    if (!this.repeatable() || this.round >= this.attempts || (this.response !== undefined && !this.retry5xx)) return this.serviceOver();
    // No other instance, or no budget: fall back or hand this answer on.
    const other = this.service.pick(Date.now(), this.hashKey, this.instance);
    if (!other || !this.options.runtime.budget.tryRetry()) return this.serviceOver();
    this.discard();
    this.retries++;
    this.round++;
    this.send(other);
  }

  /** The service's attempts are over: the monolith takes over when allowed and safe, else the outcome is delivered. */
  private serviceOver(): void {
    const route = this.route;
    if (!this.mayFallBack || route === undefined || !this.repeatable()) return this.deliver();
    this.discard();
    this.fallback = true;
    route.counters.fallbacks++;
    this.toMonolith();
  }

  /** An answer that will not be delivered: its body is read and dropped. */
  private discard(): void {
    const { response, instance } = this;
    if (response === undefined || instance === undefined) return;
    instance.onEnd();
    response.dump();
  }

  private deliver(): void {
    const { res, response, instance } = this;
    const target = this.service.name;
    const shadow = this.shadow;
    if (shadow !== undefined && (response === undefined || this.clientGone || this.fallback)) {
      shadow.skip(this.fallback ? 'the primary fell back to the monolith' : 'the primary failed');
    }
    if (response === undefined || instance === undefined) {
      const failure = this.failure;
      if (failure.clientGone || res.destroyed) {
        res.destroy();
        this.finish(499, target, instance?.key);
        return;
      }
      sendProxyError(
        res,
        failure.status,
        { route: this.route?.id, upstream: target, instance: instance?.key, reason: failure.reason },
        this.options.draining(),
      );
      this.finish(failure.status, target, instance?.key);
      return;
    }
    if (this.clientGone) {
      response.abort(CLIENT_ABORTED);
      instance.onEnd();
      this.finish(499, target, instance.key);
      return;
    }
    const headers = clientResponseFields(response.rawHeaders);
    if (this.state.config.exposeUpstream) {
      headers.push('x-strangler-upstream', target);
      if (this.route) headers.push('x-strangler-route', this.route.id);
    }
    if (this.options.draining()) headers.push('connection', 'close');
    res.writeHead(response.statusCode, headers);
    // Fire and forget: the copy is sent now and compared after both ends; the client never waits for it.
    const trip = shadow !== undefined && !this.fallback ? shadow : undefined;
    if (trip !== undefined) {
      const route = this.route;
      trip.start(target, response.statusCode, response.headers, {
        monolith: this.state.monolith,
        services: this.state.services,
        rewrite: route ? route.rewrite : (pathAndQuery) => pathAndQuery,
        upstreamHeaders: this.upstreamHeaders ?? [],
        hashKey: this.hashKey,
      });
    }
    this.trip = trip;
    this.delivering = true;
    // Straight from the upstream parser to the client socket (this is the sink); a full socket buffer pauses the upstream.
    response.attach(this);
  }

  /** The answer being delivered is over: complete, or cut short (`failed`). Runs once, and only while delivering. */
  private delivered(failed: boolean): void {
    const { response, instance } = this;
    if (!this.delivering || response === undefined || instance === undefined) return;
    this.delivering = false;
    instance.onEnd();
    if (failed) {
      response.abort(CLIENT_ABORTED);
      this.res.destroy();
    }
    this.trip?.primaryEnded(!failed);
    this.finish(response.statusCode, this.service.name, instance.key);
  }

  // BodySink: the delivered answer's body, on to the client.

  data(chunk: Buffer): boolean {
    this.trip?.onPrimaryData(chunk);
    // Past the socket's own high-water mark, keep reading up to BODY_BUFFER_BYTES before
    // pausing the upstream: pausing at every full 16 KB socket buffer stalls large bodies.
    const res = this.res;
    if (res.write(chunk) || res.writableLength < BODY_BUFFER_BYTES) return true;
    res.once('drain', (this.onDrain ??= this.resumeUpstream.bind(this)));
    return false;
  }

  end(): void {
    this.res.end();
  }

  error(): void {
    this.delivered(true);
  }

  private resumeUpstream(): void {
    this.response?.resume();
  }

  private internalError(error: unknown): void {
    this.shadow?.skip('internal proxy error');
    this.options.logger.error('proxy request failed', { error, path: this.path });
    if (this.finished) {
      this.res.destroy();
      return;
    }
    sendProxyError(this.res, 502, { route: this.route?.id, reason: 'internal proxy error' }, true);
    this.finish(502, 'proxy', undefined);
  }
}

export function createRequestHandler(options: HandlerOptions): InboundHandler {
  return (req, res) => new Exchange(options, req, res).start();
}
