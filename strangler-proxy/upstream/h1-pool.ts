/**
 * Our own HTTP/1.1 client for http:// and https:// instances: keep-alive TCP (or TLS) connections and
 * node's own response parser (llhttp, the one node:http uses, reached through
 * `_http_common`), with no streams, promises or per-chunk objects between the socket and
 * the sink. It replaces undici on the hot path only: bench/proxy measured undici's dispatch
 * at 20–25 % more CPU per request for a bare proxy. Health checks, shadow copies and WebSocket
 * upgrades keep undici.
 *
 * What it takes care of:
 * - one request at a time per connection (no pipelining), at most `connections` per
 *   instance, callers queued beyond that, idle connections reused newest first;
 * - the stale keep-alive race: a reused connection the server closed just as a request went
 *   out fails with no byte of answer; a bodiless idempotent request is then sent once more
 *   on a new connection (RFC 9112 §9.3.1). An idle connection is dropped as soon as the server
 *   closes it, and is not kept past the server's own `Keep-Alive: timeout` hint less a second;
 * - request bodies: Content-Length bodies as they are, others re-chunked (RFC 9112 §7.1), with
 *   backpressure both ways;
 * - responses: 1xx skipped, HEAD/204/304 without a body, chunked, Content-Length or
 *   close-delimited bodies; anything llhttp refuses in strict mode (e.g. Content-Length
 *   together with Transfer-Encoding) fails the call as an invalid response;
 * - connect, headers and body timeouts, checked by one sweep per pool every 100 ms (so they
 *   fire up to 100 ms late) instead of a timer per request; the body timeout does not run
 *   while the client holds the body back.
 *
 * Errors carry a `code`: the socket's own (ECONNREFUSED, ECONNRESET, …) or one of
 * H1_ERRORS, which upstream-errors.ts maps to 502/504 and to "never sent".
 */
import type { IncomingMessage } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { UpstreamTlsMaterial } from '../config/upstream-tls.js';
import {
  IDEMPOTENT,
  ResponseRelay,
  type Settle,
  type UpstreamClient,
  type UpstreamRequest,
  type UpstreamResponse,
} from '../http/upstream-call.js';
import { isField } from '../http/headers.js';
import { HTTPParser, headFields, type Parser, type ParserClass } from '../http/llhttp.js';
import { slabCopy } from '../http/slab.js';

/** False on a Node.js without `_http_common`'s parser: instances then use undici. */
export const h1Available = HTTPParser !== undefined;

export const H1_ERRORS = {
  connectTimeout: 'STRANGLER_CONNECT_TIMEOUT',
  headersTimeout: 'STRANGLER_HEADERS_TIMEOUT',
  bodyTimeout: 'STRANGLER_BODY_TIMEOUT',
  closed: 'STRANGLER_UPSTREAM_CLOSED',
  invalidResponse: 'STRANGLER_INVALID_RESPONSE',
  poolClosed: 'STRANGLER_POOL_CLOSED',
  clientAborted: 'STRANGLER_CLIENT_ABORTED',
} as const;

const h1Error = (code: string, message: string, cause?: unknown): Error =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });

export interface H1PoolOptions {
  connections: number;
  keepAliveTimeout: number;
  connectTimeout: number;
}

/** Methods whose bodiless requests say so with Content-Length: 0 (RFC 9110 §8.6). */
const EXPECTS_BODY = new Set(['POST', 'PUT', 'PATCH']);
const SWEEP_MS = 100;
/**
 * Plain-TCP upstream connections read into this one buffer (net's `onread`) instead of a new
 * 64 KB allocation per read through the socket's Readable. What is read is parsed there and
 * then; body bytes leave it as copies (deliver), because a later read overwrites it.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const KEEP_ALIVE_HINT = /timeout\s*=\s*(\d+)/i;
/** Margin under the server's own idle timeout (the hint), against the stale keep-alive race. */
const HINT_MARGIN_MS = 1000;

const enum Phase {
  Connecting,
  /** Request sent (or being sent), no head yet. */
  Waiting,
  Body,
  Idle,
  Closed,
}

/** One call: queued, then on a connection. */
class H1Call extends ResponseRelay {
  connection: H1Connection | undefined;
  /** Sent again once after a stale keep-alive connection failed. */
  resent = false;

  constructor(
    readonly pool: H1Pool,
    readonly request: UpstreamRequest,
    settle: Settle,
  ) {
    super(settle);
  }

  onHead(statusCode: number, headers: readonly string[]): void {
    this.head(statusCode, headers);
  }

  onBody(chunk: Buffer): void {
    this.body(chunk);
  }

  onComplete(): void {
    this.complete();
  }

  onError(error: Error): void {
    this.fail(error);
  }

  protected pauseSource(): void {
    this.connection?.pause();
  }

  resume(): void {
    this.connection?.resume();
  }

  abort(reason: Error): void {
    if (this.finished) return;
    const connection = this.connection;
    if (connection === undefined) this.pool.unqueue(this);
    else connection.destroy(reason);
    this.fail(reason);
  }
}

class H1Connection {
  readonly socket: Socket;
  private readonly parser: Parser;
  phase = Phase.Connecting;
  /** Date.now() past which the current phase has timed out; 0 for never. */
  deadline = 0;
  call: H1Call | undefined;
  /** Requests answered on this connection. */
  served = 0;
  private keepAlive = true;
  private requestSent = true;
  private responseDone = false;
  private gotBytes = false;
  private interim = false;
  private paused = false;
  private headerPairs: string[] | undefined;
  /** Body bytes still to come of a raw response (see onHeaders). */
  private rawLeft = 0;
  /** The server's Keep-Alive timeout hint less a margin, in ms. */
  private idleLimit: number;
  private body: BodyPump | undefined;
  /** Reads land in READ_BUFFER (plain TCP); over TLS each read is a buffer of its own. */
  private readonly sharedBuffer: boolean;

  constructor(
    private readonly pool: H1Pool,
    private readonly parserClass: ParserClass,
    first: H1Call,
  ) {
    this.call = first;
    first.connection = this;
    this.idleLimit = pool.options.keepAliveTimeout;
    this.deadline = Date.now() + pool.options.connectTimeout;
    this.sharedBuffer = pool.tls === undefined;
    const socket =
      pool.tls === undefined
        ? connect({
            host: pool.host,
            port: pool.port,
            onread: { buffer: READ_BUFFER, callback: (length: number) => this.onRead(length) },
          })
        : tlsConnect(pool.tls);
    this.socket = socket;
    socket.setNoDelay(true);
    const parser = new parserClass();
    parser.initialize(parserClass.RESPONSE, this, 0, parserClass.kLenientNone);
    // Past 32 fields (and for trailers) llhttp hands fields over in batches before the head completes.
    parser[parserClass.kOnHeaders] = (headers: string[]) => {
      (this.headerPairs ??= []).push(...headers);
    };
    parser[parserClass.kOnHeadersComplete] = (
      _major: number,
      _minor: number,
      headers: string[] | undefined,
      _method: unknown,
      _url: unknown,
      statusCode: number,
      _message: string,
      upgrade: boolean,
      keepAlive: boolean,
    ): number => this.onHeaders(this.takeHeaders(headers), statusCode, upgrade, keepAlive);
    parser[parserClass.kOnBody] = (chunk: Buffer) => this.onBody(chunk);
    parser[parserClass.kOnMessageComplete] = () => this.onMessageComplete();
    this.parser = parser;
    // Over TLS the request waits for the handshake, which the connect timeout covers.
    socket.once(pool.tls === undefined ? 'connect' : 'secureConnect', () => this.start(first));
    if (!this.sharedBuffer) socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: Error) => this.onSocketClosed(error));
    socket.on('close', () => this.onSocketClosed(undefined));
    socket.on('drain', () => this.body?.drained());
  }

  /** Sends `call` on this (connected, free) connection. */
  start(call: H1Call): void {
    this.call = call;
    call.connection = this;
    this.phase = Phase.Waiting;
    const { request } = call;
    this.deadline = request.headersTimeout > 0 ? Date.now() + request.headersTimeout : 0;
    this.keepAlive = true;
    this.responseDone = false;
    this.gotBytes = false;
    this.interim = false;
    const body = request.body;
    const head = requestHead(request, this.pool.hostHeader, body);
    if (body === null) {
      this.requestSent = true;
      this.socket.write(head, 'latin1');
    } else if (Buffer.isBuffer(body)) {
      this.requestSent = true;
      this.socket.write(head, 'latin1');
      this.socket.write(body);
    } else {
      // The headers timeout runs once the whole body is out: a long upload is not a slow answer.
      this.deadline = 0;
      this.requestSent = false;
      // requestHead has framed a body without a length as chunked: the pump chunks it.
      this.body = new BodyPump(this, body, head, head.endsWith(`${CHUNKED_FIELD}\r\n`));
    }
  }

  /** The request body has been written in full. */
  bodySent(): void {
    this.requestSent = true;
    this.body = undefined;
    const timeout = this.call?.request.headersTimeout ?? 0;
    if (this.phase === Phase.Waiting && timeout > 0) this.deadline = Date.now() + timeout;
    if (this.responseDone) this.settleConnection();
  }

  /** The client's body broke off: the upstream holds half a request, so the connection goes. */
  bodyFailed(error: Error): void {
    this.body = undefined;
    this.destroy(error);
  }

  write(chunk: Buffer | string): boolean {
    return this.socket.write(chunk, 'latin1');
  }

  /** The head's fields, the batches so far included; the batches start afresh. */
  private takeHeaders(last: string[] | undefined): string[] {
    const fields = headFields(this.headerPairs, last);
    this.headerPairs = undefined;
    return fields;
  }

  private onHeaders(headers: string[], statusCode: number, upgrade: boolean, keepAlive: boolean): number {
    const call = this.call;
    if (call === undefined || this.phase !== Phase.Waiting) {
      this.destroy(h1Error(H1_ERRORS.invalidResponse, 'the upstream sent a response nobody asked for'));
      return 1;
    }
    if (statusCode < 200) {
      if (statusCode === 101 || upgrade) {
        this.destroy(h1Error(H1_ERRORS.invalidResponse, `the upstream answered ${statusCode} to a request without Upgrade`));
        return 1;
      }
      // RFC 9110 §15.2: an interim answer; the final one follows on the same connection.
      this.interim = true;
      return 1;
    }
    this.keepAlive = keepAlive;
    this.phase = Phase.Body;
    const timeout = call.request.bodyTimeout;
    this.deadline = timeout > 0 && !this.paused ? Date.now() + timeout : 0;
    const length = this.readFields(headers);
    const bodiless = call.request.method === 'HEAD' || statusCode === 204 || statusCode === 304;
    // A Content-Length body bypasses the parser: 2 makes execute() stop at the end of the
    // head, and the body is counted off the socket (rawBody). Through the parser every chunk
    // and the message's end would each be a callback from C++ into JS (with its microtask
    // checkpoint) and a copy.
    this.rawLeft = !bodiless && length > 0 ? length : 0;
    call.onHead(statusCode, headers);
    if (bodiless) return 1;
    return this.rawLeft > 0 ? 2 : 0;
  }

  /**
   * Reads the server's `Keep-Alive: timeout=N` hint (RFC 9112 does not define it; servers send
   * it anyway) and returns the Content-Length, or -1 (none, or chunked: llhttp has refused both).
   */
  private readFields(pairs: readonly string[]): number {
    let length = -1;
    for (let index = 0; index < pairs.length; index += 2) {
      const name = pairs[index] as string;
      if (isField(name, 'content-length')) length = Number(pairs[index + 1]);
      else if (isField(name, 'transfer-encoding')) return -1;
      else if (isField(name, 'keep-alive')) {
        const hint = KEEP_ALIVE_HINT.exec(pairs[index + 1] as string);
        if (hint) this.idleLimit = Math.min(this.pool.options.keepAliveTimeout, Math.max(0, Number(hint[1]) * 1000 - HINT_MARGIN_MS));
      }
    }
    return length;
  }

  /** Body bytes of a raw (Content-Length, parser bypassed) response, straight from the socket. */
  private rawBody(data: Buffer): void {
    const call = this.call;
    if (call === undefined) return;
    const take = Math.min(data.length, this.rawLeft);
    this.rawLeft -= take;
    if (this.deadline !== 0) this.deadline = Date.now() + call.request.bodyTimeout;
    this.deliver(call, take === data.length ? data : data.subarray(0, take));
    if (this.rawLeft > 0 || this.phase !== Phase.Body) return;
    if (take < data.length) {
      this.destroy(h1Error(H1_ERRORS.invalidResponse, 'the upstream sent more than its Content-Length'));
      return;
    }
    // The parser stopped at the head; it starts afresh for the next response.
    this.parser.initialize(this.parserClass.RESPONSE, this, 0, this.parserClass.kLenientNone);
    this.responseDone = true;
    this.deadline = 0;
    call.onComplete();
  }

  private onBody(chunk: Buffer): void {
    const call = this.call;
    if (call === undefined) return;
    if (this.deadline !== 0) this.deadline = Date.now() + call.request.bodyTimeout;
    this.deliver(call, chunk);
  }

  /** Body bytes to the call: a copy when they sit in READ_BUFFER, which the next read reuses. */
  private deliver(call: H1Call, chunk: Buffer): void {
    call.onBody(this.sharedBuffer ? slabCopy(chunk) : chunk);
  }

  private onMessageComplete(): void {
    // Trailer fields (RFC 9110 §6.5) arrive as a batch; they are not passed on.
    this.headerPairs = undefined;
    // A raw body (see onHeaders) completes in rawBody, not here.
    if (this.rawLeft > 0) return;
    if (this.interim) {
      this.interim = false;
      return;
    }
    const call = this.call;
    if (call === undefined) return;
    this.responseDone = true;
    this.deadline = 0;
    call.onComplete();
  }

  /** A read into READ_BUFFER; pausing goes through socket.pause(), so this never asks to stop. */
  private onRead(length: number): true {
    this.onData(READ_BUFFER.subarray(0, length));
    return true;
  }

  private onData(data: Buffer): void {
    this.gotBytes = true;
    let result: number | Error;
    try {
      if (this.rawLeft > 0) {
        this.rawBody(data);
        result = data.length;
      } else {
        result = this.parser.execute(data);
        if (this.rawLeft > 0 && typeof result === 'number' && result < data.length) this.rawBody(data.subarray(result));
      }
    } catch (error) {
      // Thrown by a sink inside a parser callback: this exchange is lost, the process is not.
      this.destroy(h1Error(H1_ERRORS.invalidResponse, 'the response could not be handed on', error));
      return;
    }
    if (result instanceof Error) {
      this.destroy(h1Error(H1_ERRORS.invalidResponse, `invalid response from the upstream (${reasonOf(result)})`, result));
      return;
    }
    if (this.responseDone && this.phase === Phase.Body) {
      // Answered before the whole request body went out (e.g. 413): the rest is not wanted,
      // and the connection is mid-request, so it closes.
      if (this.requestSent) this.settleConnection();
      else this.destroy(undefined);
    }
  }

  /** After a complete exchange: back to the pool, or closed when the exchange says so. */
  private settleConnection(): void {
    if (this.phase !== Phase.Body) return;
    this.served++;
    const call = this.call;
    if (call !== undefined) call.connection = undefined;
    this.call = undefined;
    this.responseDone = false;
    if (!this.keepAlive || this.idleLimit === 0) {
      this.destroy(undefined);
      return;
    }
    // The last chunk may have filled the client's buffer: the sink's resume now goes nowhere.
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    this.phase = Phase.Idle;
    this.deadline = Date.now() + this.idleLimit;
    this.pool.release(this);
  }

  private onEnd(): void {
    if (this.rawLeft > 0) {
      this.destroy(h1Error(H1_ERRORS.closed, 'the upstream closed the connection before the response was complete'));
      return;
    }
    // A close-delimited body ends here (RFC 9112 §6.3); anything else open is cut short.
    if (this.phase === Phase.Body && !this.responseDone) {
      const result = this.parser.finish();
      if (result instanceof Error)
        this.destroy(h1Error(H1_ERRORS.invalidResponse, `the upstream closed mid-response (${reasonOf(result)})`));
    }
    this.keepAlive = false;
    if (this.responseDone && this.requestSent) this.settleConnection();
    else this.destroy(undefined);
  }

  private onSocketClosed(error: Error | undefined): void {
    if (this.phase === Phase.Closed) return;
    const wasConnecting = this.phase === Phase.Connecting;
    const wasWaiting = this.phase === Phase.Waiting;
    this.phase = Phase.Closed;
    this.deadline = 0;
    this.socket.destroy();
    setImmediate(closeParser, this.parser);
    const call = this.call;
    this.call = undefined;
    this.body?.stop();
    this.body = undefined;
    this.pool.removed(this);
    if (call === undefined || call.finished) return;
    // The stale keep-alive race: a reused connection closed under a request that got no byte back.
    if (
      wasWaiting &&
      this.served > 0 &&
      !this.gotBytes &&
      !call.resent &&
      call.request.body === null &&
      IDEMPOTENT.has(call.request.method)
    ) {
      call.resent = true;
      call.connection = undefined;
      this.pool.enqueue(call, true);
      return;
    }
    call.connection = undefined;
    call.onError(
      error ??
        (wasConnecting
          ? h1Error(H1_ERRORS.closed, 'the upstream closed the connection while it was being opened')
          : h1Error(H1_ERRORS.closed, 'the upstream closed the connection before the response was complete')),
    );
  }

  /** Timeouts, called by the pool's sweep. */
  expire(now: number): void {
    if (this.deadline === 0 || now < this.deadline) return;
    if (this.phase === Phase.Connecting) this.destroy(h1Error(H1_ERRORS.connectTimeout, 'connect timeout'));
    else if (this.phase === Phase.Waiting) this.destroy(h1Error(H1_ERRORS.headersTimeout, 'no response headers in time'));
    else if (this.phase === Phase.Body) this.destroy(h1Error(H1_ERRORS.bodyTimeout, 'the response body stalled'));
    else this.destroy(undefined);
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (this.phase === Phase.Body) this.deadline = 0;
    this.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const timeout = this.call?.request.bodyTimeout ?? 0;
    if (this.phase === Phase.Body && !this.responseDone && timeout > 0) this.deadline = Date.now() + timeout;
    this.socket.resume();
  }

  destroy(error: Error | undefined): void {
    if (this.phase === Phase.Closed) return;
    const call = this.call;
    if (error !== undefined && call !== undefined && !call.finished) {
      // Named now, not as the socket's close: the cause is ours (a timeout, an abort), not the peer's.
      this.call = undefined;
      call.connection = undefined;
      call.onError(error);
    }
    this.onSocketClosed(undefined);
  }
}

/**
 * The TLS side of a connection: the service's CA (else Node's store), client certificate,
 * minimum version and verification switch. SNI and the certificate check use `serverName`
 * when set, else the instance's host name (never the request's Host, which `preserveHost`
 * may make the client's); an IP address gets no SNI (RFC 6066 §3).
 */
function tlsOptions(host: string, port: number, tls: UpstreamTlsMaterial | undefined): ConnectionOptions {
  const serverName = tls?.serverName ?? (isIP(host) === 0 ? host : undefined);
  return {
    host,
    port,
    ALPNProtocols: ['http/1.1'],
    ...(serverName === undefined ? {} : { servername: serverName }),
    ...(tls === undefined
      ? {}
      : {
          rejectUnauthorized: tls.rejectUnauthorized,
          minVersion: tls.minVersion,
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls.cert === undefined || tls.key === undefined ? {} : { cert: tls.cert, key: tls.key }),
        }),
  };
}

function closeParser(parser: Parser): void {
  parser.close();
}

const reasonOf = (error: Error): string => ('reason' in error && typeof error.reason === 'string' ? error.reason : error.message);

const CHUNKED_FIELD = 'transfer-encoding: chunked\r\n';

/** The request line and fields; Host is the instance's unless the caller set one (preserveHost). */
function requestHead(request: UpstreamRequest, hostHeader: string, body: UpstreamRequest['body']): string {
  const { headers } = request;
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  let host = false;
  let length = false;
  const buffered = Buffer.isBuffer(body);
  for (let index = 0; index < headers.length; index += 2) {
    const name = headers[index] as string;
    if (isField(name, 'host')) host = true;
    else if (isField(name, 'content-length')) {
      if (buffered) continue;
      length = true;
    }
    head += `${name}: ${headers[index + 1] as string}\r\n`;
  }
  if (!host) head += `host: ${hostHeader}\r\n`;
  if (buffered) head += `content-length: ${body.length}\r\n`;
  else if (body !== null && !length) head += CHUNKED_FIELD;
  else if (body === null && !length && EXPECTS_BODY.has(request.method)) head += 'content-length: 0\r\n';
  return head + '\r\n';
}

/**
 * The client's request body onto the connection, re-chunked when it came without a length.
 * The head goes out with the first chunk (or the end): a body that is malformed from its
 * first byte (node:http answers 400) leaves nothing upstream.
 */
class BodyPump {
  private ended = false;
  private readonly onData = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    const prefix = this.takeHead() + (this.chunked ? `${chunk.length.toString(16)}\r\n` : '');
    if (prefix !== '') this.connection.write(prefix);
    const flowing = this.connection.write(chunk);
    if (!((this.chunked ? this.connection.write('\r\n') : true) && flowing)) this.source.pause();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.detach();
    const rest = this.takeHead() + (this.chunked ? '0\r\n\r\n' : '');
    if (rest !== '') this.connection.write(rest);
    this.connection.bodySent();
  };
  private readonly onAbort = (): void => {
    if (this.ended) return;
    this.detach();
    this.connection.bodyFailed(h1Error(H1_ERRORS.clientAborted, 'the client did not send the whole request body'));
  };

  constructor(
    private readonly connection: H1Connection,
    private readonly source: IncomingMessage,
    private head: string,
    private readonly chunked: boolean,
  ) {
    source.on('data', this.onData);
    source.once('end', this.onEnd);
    source.once('error', this.onAbort);
    source.once('close', this.onAbort);
    if (source.readableEnded) this.onEnd();
  }

  private takeHead(): string {
    const head = this.head;
    this.head = '';
    return head;
  }

  drained(): void {
    if (!this.ended) this.source.resume();
  }

  stop(): void {
    this.detach();
  }

  private detach(): void {
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.source.off('error', this.onAbort);
    this.source.off('close', this.onAbort);
  }
}

export class H1Pool implements UpstreamClient {
  readonly host: string;
  readonly port: number;
  readonly hostHeader: string;
  closing = false;
  private readonly all = new Set<H1Connection>();
  private readonly idle: H1Connection[] = [];
  private readonly queue: H1Call[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private closed: (() => void) | undefined;
  private readonly parserClass: ParserClass;

  /** TLS options of every connection (https:// origins), built once. */
  readonly tls: ConnectionOptions | undefined;

  /** `tls`: the service's TLS settings for an https:// origin (none: Node's CA store, SNI from the host name). */
  constructor(
    origin: string,
    readonly options: H1PoolOptions,
    tls?: UpstreamTlsMaterial,
  ) {
    if (HTTPParser === undefined) throw new Error("this Node.js has no HTTP parser in '_http_common'; use pool.client: undici");
    this.parserClass = HTTPParser;
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`the HTTP/1.1 pool takes http:// or https:// origins, not ${url.protocol}`);
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = url.protocol === 'https:';
    this.port = Number(url.port || (secure ? 443 : 80));
    this.hostHeader = url.host;
    this.tls = secure ? tlsOptions(this.host, this.port, tls) : undefined;
  }

  dispatch(request: UpstreamRequest, settle: Settle): UpstreamResponse {
    const call = new H1Call(this, request, settle);
    if (this.closing) call.onError(h1Error(H1_ERRORS.poolClosed, 'the pool is closed'));
    else this.enqueue(call, false);
    return call;
  }

  /** Runs `call` on an idle connection, a new one, or queues it. `fresh`: only on a new connection. */
  enqueue(call: H1Call, fresh: boolean): void {
    if (!fresh) {
      const connection = this.idle.pop();
      if (connection !== undefined) {
        connection.start(call);
        return;
      }
    }
    if (this.all.size < this.options.connections) this.open(call);
    else if (fresh && this.idle.length > 0) {
      // At the limit with only idle ones left: trade the oldest idle connection for a new one.
      this.idle.shift()?.destroy(undefined);
      this.open(call);
    } else this.queue.push(call);
  }

  unqueue(call: H1Call): void {
    const at = this.queue.indexOf(call);
    if (at !== -1) this.queue.splice(at, 1);
  }

  private open(call: H1Call): void {
    const connection = new H1Connection(this, this.parserClass, call);
    this.all.add(connection);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  /** A connection finished an exchange and may serve the next. */
  release(connection: H1Connection): void {
    const next = this.queue.shift();
    if (next !== undefined) connection.start(next);
    else if (this.closing) connection.destroy(undefined);
    else this.idle.push(connection);
  }

  /** A connection closed (by either side). */
  removed(connection: H1Connection): void {
    this.all.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    const next = this.queue.length > 0 && this.all.size < this.options.connections ? this.queue.shift() : undefined;
    if (next !== undefined) this.open(next);
    if (this.all.size === 0) {
      if (this.sweeper !== undefined) clearInterval(this.sweeper);
      this.sweeper = undefined;
      this.closed?.();
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const connection of this.all) connection.expire(now);
  }

  /** In-flight and queued requests finish; idle connections close now, the others once free. */
  close(): Promise<void> {
    this.closing = true;
    for (const connection of [...this.idle]) connection.destroy(undefined);
    if (this.all.size === 0) return Promise.resolve();
    return new Promise((done) => {
      this.closed = done;
    });
  }

  /** Everything stops now: queued and in-flight requests fail. */
  destroy(): Promise<void> {
    this.closing = true;
    const error = h1Error(H1_ERRORS.poolClosed, 'the pool was destroyed');
    for (const call of this.queue.splice(0)) call.onError(error);
    for (const connection of [...this.all]) connection.destroy(error);
    return Promise.resolve();
  }

  /** Open, idle and queued counts (tests, status). */
  stats(): { connections: number; idle: number; queued: number } {
    return { connections: this.all.size, idle: this.idle.length, queued: this.queue.length };
  }
}
