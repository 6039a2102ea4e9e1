/**
 * The hot path: one client request → route decision → an upstream instance over its
 * keep-alive pool → the response streamed back. Bodies stream both ways with
 * backpressure (the request stream is written to the upstream connection as it comes; the
 * response goes from the client's parser to the client socket through a sink, upstream-call.ts), never buffered
 * beyond BODY_BUFFER_BYTES. A diverted request that fails falls back to the monolith when that is safe:
 * always for idempotent bodiless requests, and for any request the upstream surely never
 * saw (connection refused) whose body has not been read yet.
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
import { clientResponseFields, upstreamRequestHeaders } from './headers.js';
import { bodyStream, type InboundHandler, type InboundRequest, type InboundResponse } from './inbound.js';
import { IDEMPOTENT, type BodySink, type UpstreamResponse } from './upstream-call.js';
import { CLIENT_GONE, NO_INSTANCE, classifyFailure, sendProxyError, type FailureClass } from './upstream-errors.js';

export interface HandlerOptions {
  runtime: ProxyRuntime;
  logger: Logger;
  observer?: ProxyObserver | undefined;
  /** True once shutdown started: answers carry `Connection: close`. */
  draining: () => boolean;
}

interface Exchange {
  req: InboundRequest;
  res: InboundResponse;
  state: ProxyState;
  facts: RequestFacts;
  pathAndQuery: string;
  hasBody: boolean;
  /** May be sent again: idempotent and without a body. */
  replayable: boolean;
  route: CompiledRoute | undefined;
  started: number;
  diverted: boolean;
  fallback: boolean;
  retries: number;
  headers: string[] | undefined;
  /** The attempt in progress: aborted when the client goes away before the answer is complete. */
  call: UpstreamResponse | undefined;
  clientGone: boolean;
  /** This request is copied to the shadow side (routes with `shadow` only). */
  shadow: ShadowTrip | undefined;
  /** The request body, when it was buffered for a shadow copy (then sent from here, not streamed). */
  body: Buffer | undefined;
  /** `finish` ran: counted, logged and the state released, once. */
  finished: boolean;
  /** Set while a response is being delivered: told when the client connection's response closes. */
  onClose: ((failed: boolean) => void) | undefined;
}

type Attempt =
  | { ok: true; response: UpstreamResponse; instance: Instance; service: UpstreamService }
  | { ok: false; failure: FailureClass; instance: Instance | undefined; service: UpstreamService };

/** Response bytes held for a slow client before the upstream is paused (per request). */
const BODY_BUFFER_BYTES = 128 * 1024;

/** The abort reason given to the upstream call when the client hangs up (classified as CLIENT_GONE through `clientGone`). */
const CLIENT_ABORTED = Object.assign(new Error('the client went away'), { code: 'UND_ERR_ABORTED' });

function requestHasBody(req: InboundRequest): boolean {
  if (req.bodiless === true) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * What the router looks at. The header object is built on first use (a prototype getter:
 * a getter in an object literal costs V8's slow path on every request): only a route
 * matching on headers, or sticky by header or cookie, reads it.
 */
class Facts implements RequestFacts {
  readonly clientAddress: string;

  constructor(
    readonly method: string,
    readonly path: string,
    private readonly req: InboundRequest,
  ) {
    this.clientAddress = req.socket.remoteAddress ?? '';
  }

  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }
}

export function createRequestHandler(options: HandlerOptions): InboundHandler {
  const { runtime, logger, observer } = options;
  const accessLog = (): boolean => runtime.current.config.accessLog;

  const finish = (exchange: Exchange, status: number, target: string, instance: string | undefined): void => {
    if (exchange.finished) return;
    exchange.finished = true;
    runtime.release(exchange.state);
    const durationMs = performance.now() - exchange.started;
    const route = exchange.route;
    if (route && status >= 500) route.counters.errors++;
    observer?.onRequest({
      route: route?.id,
      target,
      instance,
      method: exchange.facts.method,
      status,
      durationMs,
      diverted: exchange.diverted,
      fallback: exchange.fallback,
      retries: exchange.retries,
    });
    if (accessLog()) {
      logger.info('request', {
        method: exchange.facts.method,
        path: exchange.facts.path,
        status,
        route: route?.id,
        target,
        instance,
        ms: Math.round(durationMs * 1000) / 1000,
        diverted: exchange.diverted,
        fallback: exchange.fallback,
        retries: exchange.retries,
        client: exchange.facts.clientAddress,
      });
    }
  };

  /** One attempt on `instance`; `done` gets its outcome (possibly before this returns). */
  const send = (exchange: Exchange, service: UpstreamService, instance: Instance, path: string, done: (attempt: Attempt) => void): void => {
    const { req, state } = exchange;
    const routeTimeouts = exchange.route?.config.timeouts;
    exchange.headers ??= upstreamRequestHeaders(req.rawHeaders, {
      clientAddress: exchange.facts.clientAddress,
      proto: 'encrypted' in req.socket ? 'https' : 'http',
      trustForwarded: state.config.trustForwarded,
      preserveHost: state.config.preserveHost,
    });
    const sentAt = performance.now();
    instance.onStart(Date.now());
    const settle = (outcome: UpstreamResponse | Error): void => {
      let attempt: Attempt;
      if (outcome instanceof Error) {
        // A client that hangs up mid-upload makes the upload fail: not the instance's fault.
        const failure = exchange.clientGone ? CLIENT_GONE : classifyFailure(outcome);
        if (failure.clientGone) instance.onAbandoned();
        else instance.onFailure(Date.now());
        attempt = { ok: false, failure, instance, service };
      } else {
        const now = Date.now();
        instance.onAnswer(outcome.statusCode, performance.now() - sentAt, now, () => service.mayEject(now));
        attempt = { ok: true, response: outcome, instance, service };
      }
      // Called from the upstream's parser: a throw here must end this exchange, not the connection's reader.
      try {
        done(attempt);
      } catch (error) {
        internalError(exchange, error);
      }
    };
    const call = instance.client.dispatch(
      {
        path,
        method: exchange.facts.method,
        headers: exchange.headers,
        body: exchange.body ?? (exchange.hasBody ? bodyStream(req) : null),
        headersTimeout: (exchange.diverted ? routeTimeouts?.headers : undefined) ?? state.config.timeouts.upstreamHeaders,
        bodyTimeout: (exchange.diverted ? routeTimeouts?.body : undefined) ?? state.config.timeouts.upstreamBody,
      },
      settle,
    );
    exchange.call = call;
    if (exchange.clientGone) call.abort(CLIENT_ABORTED);
  };

  /** May this failed attempt be repeated elsewhere (another instance, or the monolith)? */
  const repeatable = (exchange: Exchange, attempt: Attempt): boolean => {
    if (attempt.ok) return exchange.replayable && attempt.response.statusCode >= 500;
    if (attempt.failure.clientGone) return false;
    if (exchange.replayable) return true;
    return attempt.failure.notSent && (exchange.body !== undefined || !exchange.req.readableDidRead);
  };

  /** Tries `service`, retrying on other instances within the route's attempts and the budget. */
  const tryService = (
    exchange: Exchange,
    service: UpstreamService,
    path: string,
    attempts: number,
    retry5xx: boolean,
    done: (attempt: Attempt) => void,
  ): void => {
    const hashKey = (exchange.route ? stickyKey(exchange.route, exchange.facts) : undefined) ?? exchange.facts.clientAddress;
    runtime.budget.onRequest();
    const first = service.pick(Date.now(), hashKey);
    if (!first) return done({ ok: false, failure: NO_INSTANCE, instance: undefined, service });
    let round = 0;
    const next = (attempt: Attempt): void => {
      if (!repeatable(exchange, attempt) || round >= attempts || (attempt.ok && !retry5xx)) return done(attempt);
      // No other instance, or no budget: the caller falls back or hands this answer on.
      const other = service.pick(Date.now(), hashKey, attempt.instance);
      if (!other || !runtime.budget.tryRetry()) return done(attempt);
      discard(attempt);
      exchange.retries++;
      round++;
      send(exchange, service, other, path, next);
    };
    send(exchange, service, first, path, next);
  };

  const discard = (attempt: Attempt): void => {
    if (!attempt.ok) return;
    attempt.instance.onEnd();
    attempt.response.dump();
  };

  const deliver = (exchange: Exchange, attempt: Attempt): void => {
    const { res } = exchange;
    const target = attempt.service.name;
    const shadow = exchange.shadow;
    if (shadow !== undefined && (!attempt.ok || exchange.clientGone || exchange.fallback)) {
      shadow.skip(exchange.fallback ? 'the primary fell back to the monolith' : 'the primary failed');
    }
    if (!attempt.ok) {
      if (attempt.failure.clientGone || res.destroyed) {
        res.destroy();
        finish(exchange, 499, target, attempt.instance?.key);
        return;
      }
      sendProxyError(
        res,
        attempt.failure.status,
        { route: exchange.route?.id, upstream: target, instance: attempt.instance?.key, reason: attempt.failure.reason },
        options.draining(),
      );
      finish(exchange, attempt.failure.status, target, attempt.instance?.key);
      return;
    }
    const { response, instance } = attempt;
    if (exchange.clientGone) {
      response.abort(CLIENT_ABORTED);
      instance.onEnd();
      finish(exchange, 499, target, instance.key);
      return;
    }
    const headers = clientResponseFields(response.rawHeaders);
    if (exchange.state.config.exposeUpstream) {
      headers.push('x-strangler-upstream', target);
      if (exchange.route) headers.push('x-strangler-route', exchange.route.id);
    }
    if (options.draining()) headers.push('connection', 'close');
    res.writeHead(response.statusCode, headers);
    // Fire and forget: the copy is sent now and compared after both ends; the client never waits for it.
    const trip = shadow !== undefined && !exchange.fallback ? shadow : undefined;
    if (trip !== undefined) {
      const route = exchange.route;
      trip.start(target, response.statusCode, response.headers, {
        monolith: exchange.state.monolith,
        services: exchange.state.services,
        rewrite: route ? route.rewrite : (pathAndQuery) => pathAndQuery,
        upstreamHeaders: exchange.headers ?? [],
        hashKey: (route ? stickyKey(route, exchange.facts) : undefined) ?? exchange.facts.clientAddress,
      });
    }
    let ended = false;
    const end = (failed: boolean): void => {
      if (ended) return;
      ended = true;
      instance.onEnd();
      if (failed) {
        response.abort(CLIENT_ABORTED);
        res.destroy();
      }
      trip?.primaryEnded(!failed);
      finish(exchange, response.statusCode, target, instance.key);
    };
    exchange.onClose = end;
    // Straight from the upstream parser to the client socket; a full socket buffer pauses the upstream.
    const resume = (): void => response.resume();
    const sink: BodySink = {
      data: (chunk) => {
        trip?.onPrimaryData(chunk);
        // Past the socket's own high-water mark, keep reading up to BODY_BUFFER_BYTES before
        // pausing the upstream: pausing at every full 16 KB socket buffer stalls large bodies.
        if (res.write(chunk) || res.writableLength < BODY_BUFFER_BYTES) return true;
        res.once('drain', resume);
        return false;
      },
      end: () => res.end(),
      error: () => end(true),
    };
    response.attach(sink);
  };

  /** The route's shadow copy is set up (its body buffered when it needs one), then `divert`. */
  const run = (exchange: Exchange): void => {
    const { route, state } = exchange;
    if (route) {
      route.counters.matched++;
      const plan = state.shadows?.get(route.id);
      if (plan !== undefined) {
        const trip = plan.begin(exchange.facts.method, exchange.pathAndQuery, exchange.req.headers, exchange.hasBody);
        exchange.shadow = trip;
        if (trip?.needsBody) {
          // Small (Content-Length within maxBodyBytes): buffered once, sent to both sides.
          readSmallBody(bodyStream(exchange.req)).then(
            (body) => {
              trip.body = body;
              if (body === undefined) {
                trip.skip('the client did not send the whole request body');
                exchange.shadow = undefined;
              } else exchange.body = body;
              divert(exchange);
            },
            (error: unknown) => internalError(exchange, error),
          );
          return;
        }
      }
    }
    divert(exchange);
  };

  /** The route's service when the weight says so (falling back to the monolith when allowed), else the monolith. */
  const divert = (exchange: Exchange): void => {
    const { route, state } = exchange;
    const service = route && decide(route, exchange.facts) ? state.services.get(route.config.service) : undefined;
    if (route === undefined || service === undefined) return toMonolith(exchange);
    exchange.diverted = true;
    route.counters.diverted++;
    tryService(exchange, service, route.rewrite(exchange.pathAndQuery), route.config.retries.attempts, true, (attempt) => {
      if (!route.config.fallback || !repeatable(exchange, attempt)) return deliver(exchange, attempt);
      discard(attempt);
      exchange.fallback = true;
      route.counters.fallbacks++;
      toMonolith(exchange);
    });
  };

  // The monolith's own 5xx answers are passed on; only unreachable instances are retried.
  const toMonolith = (exchange: Exchange): void =>
    tryService(exchange, exchange.state.monolith, exchange.pathAndQuery, 1, false, (attempt) => deliver(exchange, attempt));

  const internalError = (exchange: Exchange, error: unknown): void => {
    exchange.shadow?.skip('internal proxy error');
    logger.error('proxy request failed', { error, path: exchange.facts.path });
    if (exchange.finished) {
      exchange.res.destroy();
      return;
    }
    sendProxyError(exchange.res, 502, { route: exchange.route?.id, reason: 'internal proxy error' }, true);
    finish(exchange, 502, 'proxy', undefined);
  };

  return (req, res) => {
    const state = runtime.acquire();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const method = req.method ?? 'GET';
    const exchange: Exchange = {
      req,
      res,
      state,
      facts: new Facts(method, path, req),
      pathAndQuery: url,
      hasBody: false,
      replayable: false,
      route: undefined,
      started: performance.now(),
      diverted: false,
      fallback: false,
      retries: 0,
      headers: undefined,
      call: undefined,
      clientGone: false,
      shadow: undefined,
      body: undefined,
      finished: false,
      onClose: undefined,
    };
    res.once('close', () => {
      const failed = !res.writableFinished;
      if (failed) {
        exchange.clientGone = true;
        exchange.call?.abort(CLIENT_ABORTED);
      }
      exchange.onClose?.(failed);
    });
    // Origin-form only (RFC 9112 §3.2.1): this is a reverse proxy, not a forward proxy.
    if (path.charCodeAt(0) !== 47 /* / */ || hasDotSegment(path)) {
      sendProxyError(res, 400, { reason: 'the request target must be an origin-form path without . or .. segments' }, true);
      finish(exchange, 400, 'proxy', undefined);
      return;
    }
    exchange.hasBody = requestHasBody(req);
    exchange.replayable = !exchange.hasBody && IDEMPOTENT.has(method);
    try {
      exchange.route = state.table.match(exchange.facts);
      run(exchange);
    } catch (error) {
      internalError(exchange, error);
    }
  };
}
