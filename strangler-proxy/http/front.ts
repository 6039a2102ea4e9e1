/**
 * The proxy's own reader and writer for the common case on a plain-TCP listener: a bodiless
 * HTTP/1.1 request (GET, HEAD, DELETE, … without Content-Length or Transfer-Encoding) is
 * parsed by llhttp in strict mode — the parser node:http uses, with the same maxHeaderSize —
 * and answered without node:http's IncomingMessage and ServerResponse streams, which cost
 * about a quarter of the proxy's CPU per request (bench/proxy/README.md).
 *
 * Everything else goes to node:http, which takes the connection over from that request on,
 * re-reading it from its first byte: a request with a body, an upgrade or CONNECT, Expect,
 * HTTP/1.0, no Host, more than 2,000 fields, and anything llhttp refuses (node:http then
 * answers 400 or 431 through the server's clientError handler, as before). A connection is
 * handed over only between two requests, with no response pending, so node:http sees a
 * connection that starts with that request.
 *
 * Every connection reads into one buffer shared by all (socket-reads.ts), not a new one per read.
 * Per connection: one request at a time (pipelined requests wait, and reading pauses past
 * MAX_QUEUED bytes); keep-alive unless the client or a draining proxy says close; the
 * response head goes out with the first body bytes, in one write for a small answer; a
 * body without Content-Length is chunked (RFC 9112 §7.1); HEAD, 204 and 304 answers carry
 * none. Timeouts are checked by one sweep every SWEEP_MS: a request head not complete within
 * `headersTimeout` of its first byte (or of the connection's start or last answer) gets a
 * 408 as node:http gives it, and an idle keep-alive connection is closed after `keepAliveTimeout`.
 */
import { IncomingMessage, STATUS_CODES, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { onClientError } from './client-errors.js';
import { isField, TOKEN } from './headers.js';
import type { InboundHandler, InboundRequest, InboundResponse } from './inbound.js';
import { HTTPParser, METHODS, headFields, type Parser, type ParserClass } from './llhttp.js';
import { slabAlloc, slabCopy } from './slab.js';
import { readInto } from './socket-reads.js';

export interface FrontOptions {
  maxHeaderSize: number;
  /** ms from a request's first byte (or the connection's start, or the last answer) to its complete head. */
  headersTimeout: number;
  /** ms an idle keep-alive connection is kept. */
  keepAliveTimeout: number;
  handler: InboundHandler;
  /** True once shutdown started: every answer closes its connection. */
  draining: () => boolean;
}

export interface Front {
  /** Closes the connections that are not reading or answering a request. */
  closeIdle(): void;
  /** Closes every connection this front still holds. */
  closeAll(): void;
  /** Connections this front holds (not the ones handed to node:http). */
  readonly connections: number;
}

type AddHeaderLine = (this: { joinDuplicateHeaders: boolean }, field: string, value: string, dest: Record<string, unknown>) => void;
/** What `_addHeaderLine` reads of its IncomingMessage: node:http's default (repeated first-wins fields dropped). */
const FIELD_RULE = { joinDuplicateHeaders: false };
/** node:http's own rule for combining repeated request fields (first wins, `, `-list, `; ` for cookie, array for set-cookie). */
const addHeaderLine = (IncomingMessage.prototype as unknown as { _addHeaderLine?: AddHeaderLine })._addHeaderLine;

/** False on a Node.js without the parser or node:http's field rule: node:http then reads every request. */
export const frontAvailable = HTTPParser !== undefined && typeof addHeaderLine === 'function';

const SWEEP_MS = 250;
/** Pipelined bytes held while a response is pending before reading from the client pauses. */
const MAX_QUEUED = 64 * 1024;
/** node:http's maxHeadersCount: past this many fields the request goes to node:http. */
const MAX_FIELDS = 2000;
/** Below this a response's head and body are copied into one buffer for one write; above, they are written together with writev. */
const COPY_BELOW = 16 * 1024;
/** RFC 9110 §5.5: no CR, LF or NUL (or other controls but HTAB) in a field value. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const LAST_CHUNK = '0\r\n\r\n';
const HEADERS_TIMEOUT = Object.assign(new Error('request head not received in time'), { code: 'HPE_HEADERS_TIMEOUT' });
/**
 * Client connections read into this one buffer (socket-reads.ts) instead of a new allocation
 * per read. A read is parsed there and then; whatever outlives that (a partial head,
 * pipelined bytes, a connection handed to node:http) is copied out (`kept`).
 */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

let dateSecond = -1;
let dateLine = '';
/** The Date field line, formatted once a second. */
function httpDateLine(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

const statusLines = new Map<number, string>();
/** `HTTP/1.1 200 OK\r\n`, made once per status code. */
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

/** `data` itself, or a copy when it lies in READ_BUFFER (which the next read overwrites). */
const kept = (data: Buffer): Buffer => (data.buffer === READ_BUFFER.buffer ? slabCopy(data) : data);

/** The listeners `once` took for one event: nearly always one, so no array for it. */
type Listeners = (() => void) | Array<() => void> | undefined;

const addListener = (listeners: Listeners, listener: () => void): Listeners => {
  if (listeners === undefined) return listener;
  if (typeof listeners === 'function') return [listeners, listener];
  listeners.push(listener);
  return listeners;
};

function callAll(listeners: Listeners): void {
  if (typeof listeners === 'function') listeners();
  else if (listeners !== undefined) for (const listener of listeners) listener();
}

interface Head {
  method: string;
  url: string;
  fields: string[];
  major: number;
  minor: number;
  upgrade: boolean;
  keepAlive: boolean;
}

/** A bodiless request as the handler sees it. */
class FrontRequest implements InboundRequest {
  readonly readableDidRead = false;
  readonly bodiless = true;
  private headerObject: IncomingHttpHeaders | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly rawHeaders: string[],
    readonly socket: Socket,
  ) {}

  get headers(): IncomingHttpHeaders {
    if (this.headerObject !== undefined) return this.headerObject;
    const headers: Record<string, unknown> = {};
    const raw = this.rawHeaders;
    for (let index = 0; index < raw.length; index += 2) {
      (addHeaderLine as AddHeaderLine).call(FIELD_RULE, raw[index] as string, raw[index + 1] as string, headers);
    }
    this.headerObject = headers as IncomingHttpHeaders;
    return this.headerObject;
  }
}

/**
 * The answer to one FrontRequest, written straight to the client socket. Not an
 * EventEmitter: the handler asks only for `close` and `drain` once, which two fields hold.
 */
class FrontResponse implements InboundResponse {
  headersSent = false;
  writableFinished = false;
  statusCode = 200;
  /** The connection stays open after this answer. */
  keepAlive: boolean;
  private head: string | undefined;
  private chunked = false;
  private bodiless = false;
  private ended = false;
  private closed = false;
  private closeListeners: Listeners;
  private drainListeners: Listeners;

  constructor(
    private readonly connection: FrontConnection,
    private readonly socket: Socket,
    private readonly isHead: boolean,
    keepAlive: boolean,
  ) {
    this.keepAlive = keepAlive;
  }

  once(event: 'close' | 'drain', listener: () => void): this {
    if (event === 'close') this.closeListeners = addListener(this.closeListeners, listener);
    else this.drainListeners = addListener(this.drainListeners, listener);
    return this;
  }

  get destroyed(): boolean {
    return this.closed || this.socket.destroyed;
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  writeHead(status: number, headers: string[] | OutgoingHttpHeaders): this {
    if (this.headersSent) throw new Error('the response head was already written');
    const fields = Array.isArray(headers) ? headers : flatten(headers);
    let head = statusLine(status);
    let length = false;
    let date = false;
    let close = false;
    let chunked = false;
    for (let index = 0; index < fields.length; index += 2) {
      const name = fields[index] as string;
      const value = fields[index + 1] as string;
      if (!TOKEN.test(name)) throw new Error(`invalid response field name ${JSON.stringify(name)}`);
      if (INVALID_VALUE.test(value)) throw new Error(`invalid characters in the value of the response field ${name}`);
      if (isField(name, 'date')) date = true;
      else if (isField(name, 'connection')) close ||= isField(value, 'close');
      else if (isField(name, 'content-length')) length = true;
      else if (isField(name, 'transfer-encoding')) chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      head += `${name}: ${value}\r\n`;
    }
    this.statusCode = status;
    this.bodiless = this.isHead || status === 204 || status === 304 || (status >= 100 && status < 200);
    if (!date) head += httpDateLine();
    if (close || this.connection.closing()) this.keepAlive = false;
    if (this.keepAlive) head += this.connection.keepAliveLines;
    else if (!close) head += 'Connection: close\r\n';
    if (!this.bodiless && !length && !chunked) {
      head += 'Transfer-Encoding: chunked\r\n';
      chunked = true;
    }
    this.chunked = chunked && !this.bodiless;
    this.head = head + '\r\n';
    this.headersSent = true;
    return this;
  }

  write(chunk: Buffer): boolean {
    if (this.ended || this.destroyed) return false;
    if (!this.headersSent) this.writeHead(200, []);
    if (this.bodiless || chunk.length === 0) return this.flushHead();
    return this.send(chunk, false, undefined);
  }

  end(body?: string): this {
    if (this.ended) return this;
    this.ended = true;
    if (!this.headersSent) this.writeHead(200, []);
    if (this.destroyed) return this;
    // One callback per connection, not per answer: the connection's answer is this one until it is out.
    const done = this.connection.written;
    const data = body === undefined || this.bodiless ? undefined : Buffer.from(body);
    if (data !== undefined && data.length > 0) this.send(data, true, done);
    else if (this.chunked) this.socket.write(this.takeHead() + LAST_CHUNK, 'latin1', done);
    else if (this.head !== undefined) this.socket.write(this.takeHead(), 'latin1', done);
    // Everything already went out: the kernel holds it, and an empty write would only cost a syscall.
    else if (this.socket.writableLength === 0) process.nextTick(done);
    else this.socket.write('', 'latin1', done);
    return this;
  }

  destroy(): this {
    if (!this.closed) {
      this.socket.destroy();
      this.clientClosed();
    }
    return this;
  }

  /** The client connection closed (or failed) before this answer was out. */
  clientClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.emitClose();
  }

  /** The last write of this answer completed (`error`: it failed, the connection is gone). */
  written(error: Error | null | undefined): void {
    if (error) return this.clientClosed();
    if (this.closed) return;
    this.writableFinished = true;
    this.closed = true;
    this.emitClose();
    this.connection.answered(this);
  }

  /** The socket's buffer emptied. */
  drained(): void {
    const listeners = this.drainListeners;
    this.drainListeners = undefined;
    callAll(listeners);
  }

  private emitClose(): void {
    const listeners = this.closeListeners;
    this.closeListeners = undefined;
    this.drainListeners = undefined;
    callAll(listeners);
  }

  private takeHead(): string {
    const head = this.head ?? '';
    this.head = undefined;
    return head;
  }

  private flushHead(): boolean {
    return this.head === undefined ? true : this.socket.write(this.takeHead(), 'latin1');
  }

  /** One body chunk (framed when chunked, the last one with the last-chunk marker), with the head if it has not gone yet. */
  private send(chunk: Buffer, last: boolean, done: ((error?: Error | null) => void) | undefined): boolean {
    const socket = this.socket;
    const head = this.takeHead();
    const prefix = this.chunked ? `${head}${chunk.length.toString(16)}\r\n` : head;
    const suffix = this.chunked ? (last ? `\r\n${LAST_CHUNK}` : '\r\n') : '';
    if (prefix === '' && suffix === '') return socket.write(chunk, done);
    // The head and a small body in one buffer: one write, one packet.
    if (chunk.length < COPY_BELOW) return socket.write(framed(prefix, chunk, suffix), done);
    socket.cork();
    if (prefix !== '') socket.write(prefix, 'latin1');
    const flowing = suffix === '' ? socket.write(chunk, done) : (socket.write(chunk), socket.write(suffix, 'latin1', done));
    socket.uncork();
    return flowing;
  }
}

/** `prefix`, `chunk` and `suffix` (Latin-1 text around the bytes) in one new buffer. */
function framed(prefix: string, chunk: Buffer, suffix: string): Buffer {
  const prefixLength = prefix.length;
  const out = slabAlloc(prefixLength + chunk.length + suffix.length);
  out.write(prefix, 0, 'latin1');
  chunk.copy(out, prefixLength);
  if (suffix !== '') out.write(suffix, prefixLength + chunk.length, 'latin1');
  return out;
}

function flatten(headers: OutgoingHttpHeaders): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) fields.push(name, String(item));
    else fields.push(name, String(value));
  }
  return fields;
}

const enum State {
  /** Reading a request head (or waiting for the first byte of one on a new connection). */
  Reading,
  /** A request is being answered. */
  Answering,
  /** Between two requests on a keep-alive connection. */
  Idle,
  /** Handed to node:http, or closed. */
  Gone,
}

/** One client connection while this front holds it. */
class FrontConnection {
  state = State.Reading;
  /** Start of the current timeout: the connection, the request head's first byte, or the last answer. */
  since = Date.now();
  private readonly parser: Parser;
  private head: Head | undefined;
  /** Fields and target handed over before the head completed (more than 32 fields). */
  private fieldBatches: string[] = [];
  private urlPieces = '';
  /** The bytes of a request head not complete yet, kept for a hand-over. */
  private partial: Buffer[] | undefined;
  /** Bytes after the request being answered (pipelined), parsed once it is answered. */
  private queued: Buffer[] | undefined;
  private queuedBytes = 0;
  private response: FrontResponse | undefined;
  private pumping = false;
  private paused = false;
  /** Handed to node:http: reads that still reach this connection's callback go to the socket's readers. */
  private handedOver = false;

  /** The write callback of every answer's last write. */
  readonly written = (error?: Error | null): void => {
    this.response?.written(error);
  };

  constructor(
    private readonly front: FrontServer,
    readonly socket: Socket,
  ) {
    const parserClass = HTTPParser as ParserClass;
    const parser = new parserClass();
    this.parser = parser;
    this.resetParser();
    parser[parserClass.kOnHeaders] = (fields: string[], url: string) => {
      this.fieldBatches.push(...fields);
      this.urlPieces += url;
    };
    parser[parserClass.kOnHeadersComplete] = (
      major: number,
      minor: number,
      fields: string[] | undefined,
      method: number,
      url: string | undefined,
      _status: unknown,
      _message: unknown,
      upgrade: boolean,
      keepAlive: boolean,
    ): number => {
      this.head = {
        method: METHODS[method] ?? '',
        url: url || this.urlPieces,
        fields: headFields(this.fieldBatches, fields),
        major,
        minor,
        upgrade,
        keepAlive,
      };
      this.fieldBatches = [];
      this.urlPieces = '';
      // 2: stop at the end of this head, whatever follows (a body goes to node:http, which reads the request again).
      return 2;
    };
    // Reads land in READ_BUFFER; where that cannot be done, each is a buffer of its own, as a 'data' event.
    if (!readInto(socket, READ_BUFFER, this.onRead)) socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', noop);
    socket.on('close', this.onClose);
    socket.on('drain', this.onDrain);
  }

  private resetParser(): void {
    const parserClass = HTTPParser as ParserClass;
    // The connection is the parser's async resource for every request on it: a fresh object per
    // request would be one more allocation for nothing (nothing here keys state on it).
    this.parser.initialize(parserClass.REQUEST, this, this.front.options.maxHeaderSize, parserClass.kLenientNone);
  }

  /** `Connection: keep-alive` and the `Keep-Alive: timeout=…` hint, as response field lines. */
  get keepAliveLines(): string {
    return this.front.keepAliveLines;
  }

  /** Answers close their connection: the proxy is shutting down. */
  closing(): boolean {
    return this.front.options.draining();
  }

  /** A read into READ_BUFFER. */
  private readonly onRead = (length: number): boolean => {
    const data = READ_BUFFER.subarray(0, length);
    // node:http has let go of the connection (an upgrade): its new owner reads 'data' events.
    if (this.handedOver) return this.socket.push(slabCopy(data));
    this.onData(data);
    return true;
  };

  private readonly onData = (chunk: Buffer): void => {
    if (this.state !== State.Answering) {
      this.read(chunk);
      this.pump();
      return;
    }
    (this.queued ??= []).push(kept(chunk));
    this.queuedBytes += chunk.length;
    if (!this.paused && this.queuedBytes > MAX_QUEUED) {
      this.paused = true;
      this.socket.pause();
    }
  };

  /** Reads the requests that came while one was answered, until one is pending again or the connection is gone. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queued !== undefined && (this.state === State.Reading || this.state === State.Idle)) {
        const data = this.queued.length === 1 ? (this.queued[0] as Buffer) : Buffer.concat(this.queued);
        this.queued = undefined;
        this.queuedBytes = 0;
        this.read(data);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Feeds `data` (the start of a request, or more of a partial head) to the parser. */
  private read(data: Buffer): void {
    if (this.state === State.Gone) return;
    if (this.state === State.Idle) {
      this.state = State.Reading;
      this.since = Date.now();
    }
    this.head = undefined;
    let parsed: number | Error;
    try {
      parsed = this.parser.execute(data);
    } catch {
      parsed = new Error('parser failure');
    }
    const head = this.head as Head | undefined;
    // A refused head: node:http reads it again and answers it as it would (400, 431).
    if (parsed instanceof Error || (head !== undefined && !eligible(head))) return this.handOver(data);
    if (head === undefined) {
      (this.partial ??= []).push(kept(data));
      return;
    }
    // A fresh parser for the next message: going on after the stop at a head is not the same
    // (Content-Length with Transfer-Encoding, refused by a fresh parser, then passes unnoticed).
    this.resetParser();
    this.partial = undefined;
    if (parsed < data.length) {
      this.queued = [kept(data.subarray(parsed))];
      this.queuedBytes = data.length - parsed;
    }
    this.answer(head);
  }

  private answer(head: Head): void {
    this.state = State.Answering;
    const res = new FrontResponse(this, this.socket, head.method === 'HEAD', head.keepAlive);
    this.response = res;
    try {
      this.front.options.handler(new FrontRequest(head.method, head.url, head.fields, this.socket), res);
    } catch {
      res.destroy();
    }
  }

  /** `res` is out: the next request, or the connection's end. */
  answered(res: FrontResponse): void {
    if (this.response !== res) return;
    this.response = undefined;
    if (!res.keepAlive) {
      this.gone();
      this.socket.end();
      return;
    }
    this.state = State.Idle;
    this.since = Date.now();
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    this.pump();
  }

  /** From the request `data` belongs to on, node:http serves the connection: it reads that request from its first byte. */
  private handOver(data: Buffer): void {
    this.gone();
    this.handedOver = true;
    const socket = this.socket;
    socket.removeListener('data', this.onData);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('error', noop);
    socket.removeListener('close', this.onClose);
    socket.removeListener('drain', this.onDrain);
    this.parser.close();
    // node:http's parser hands on slices of what it reads (body bytes): never READ_BUFFER's.
    const bytes = this.partial === undefined ? kept(data) : Buffer.concat([...this.partial, data]);
    this.partial = undefined;
    this.front.handOver(socket, bytes);
    if (this.paused) socket.resume();
  }

  /** The socket's buffer emptied: told to the response being written (a listener on the socket would outlive it). */
  private readonly onDrain = (): void => {
    this.response?.drained();
  };

  private readonly onEnd = (): void => {
    // The client sends nothing more: as with node:http (httpAllowHalfOpen false) it has gone,
    // and a request being answered is abandoned (its upstream call aborted).
    if (this.state === State.Answering) return this.close();
    this.gone();
    this.socket.end();
  };

  private readonly onClose = (): void => {
    this.gone();
    this.parser.close();
    this.response?.clientClosed();
    this.response = undefined;
  };

  /** Timeouts, from the front's sweep. */
  expire(now: number): void {
    const options = this.front.options;
    if (this.state === State.Idle && now - this.since >= options.keepAliveTimeout) this.close();
    else if (this.state === State.Reading && now - this.since >= options.headersTimeout) {
      this.gone();
      // Answered as node:http's clientError handler answers its own headers timeout (408).
      onClientError(HEADERS_TIMEOUT, this.socket);
    }
  }

  /** Not reading or answering a request. */
  get idle(): boolean {
    return (this.state === State.Idle || this.state === State.Reading) && this.partial === undefined && this.queued === undefined;
  }

  close(): void {
    this.gone();
    this.socket.destroy();
  }

  /** Handed over or closing: the front lets go of it. */
  private gone(): void {
    this.state = State.Gone;
    this.front.forget(this);
  }
}

function noop(): void {}

/** Bodiless HTTP/1.1 with a Host and nothing node:http handles specially. */
function eligible(head: Head): boolean {
  if (head.major !== 1 || head.minor !== 1 || head.upgrade || head.fields.length > MAX_FIELDS * 2) return false;
  let host = false;
  const fields = head.fields;
  for (let index = 0; index < fields.length; index += 2) {
    const name = fields[index] as string;
    if (isField(name, 'host')) host = true;
    else if (isField(name, 'expect') || isField(name, 'transfer-encoding')) return false;
    else if (isField(name, 'content-length') && fields[index + 1] !== '0') return false;
  }
  return host;
}

class FrontServer implements Front {
  private readonly all = new Set<FrontConnection>();
  private readonly sweeper: NodeJS.Timeout;
  readonly keepAliveLines: string;

  constructor(
    private readonly server: Server,
    readonly options: FrontOptions,
    private readonly nodeListeners: Array<(socket: Socket) => void>,
  ) {
    this.keepAliveLines = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(options.keepAliveTimeout / 1000)}\r\n`;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const connection of this.all) connection.expire(now);
    }, SWEEP_MS).unref();
    server.once('close', () => clearInterval(this.sweeper));
  }

  get connections(): number {
    return this.all.size;
  }

  take(socket: Socket): void {
    this.all.add(new FrontConnection(this, socket));
  }

  forget(connection: FrontConnection): void {
    this.all.delete(connection);
  }

  handOver(socket: Socket, bytes: Buffer): void {
    for (const listener of this.nodeListeners) listener.call(this.server, socket);
    // node:http's data listener is on the socket now: it reads these bytes before anything that comes next.
    if (bytes.length > 0) socket.emit('data', bytes);
  }

  closeIdle(): void {
    for (const connection of this.all) if (connection.idle) connection.close();
  }

  closeAll(): void {
    for (const connection of this.all) connection.close();
  }
}

/**
 * Puts the front before node:http on `server` (a plain node:http server, not listening yet):
 * new connections come here first and go to node:http when a request needs it.
 */
export function installFront(server: Server, options: FrontOptions): Front {
  if (!frontAvailable) throw new Error("this Node.js lacks the parser in '_http_common'; use listen.server: node");
  const nodeListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  const front = new FrontServer(server, options, nodeListeners);
  server.on('connection', (socket: Socket) => front.take(socket));
  return front;
}
