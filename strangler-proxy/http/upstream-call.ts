/**
 * One request to an upstream instance, as the hot path sees it: it settles once, at the
 * response head (or the failure before it); body chunks that arrive before a sink is
 * attached (usually the whole of a small answer, in the same parse as the head) wait in a
 * short array and are flushed on `attach`. Backpressure: when the sink's write returns
 * false the source is paused until the sink calls `resume()` (e.g. on the client socket's
 * `drain`).
 *
 * Two clients feed it: our own HTTP/1.1 pool for http:// instances (upstream/h1-pool.ts)
 * and undici's `Dispatcher.dispatch()` with a handler (https://, or `pool.client: undici`)
 * — no Readable body, no pipe and no promise per chunk with either.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Dispatcher } from 'undici';

/** Where the response body goes. */
export interface BodySink {
  /** Returns false to pause the upstream until `resume()`. */
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: Error): void;
}

/** What is sent upstream. `headers` is a flat [name, value, …] list without hop-by-hop fields. */
export interface UpstreamRequest {
  method: string;
  path: string;
  headers: string[];
  /** A buffered body, the client's request stream, or none. */
  body: Buffer | IncomingMessage | null;
  /** Time allowed for the response head once the request is on its way, in ms (0: none). */
  headersTimeout: number;
  /** Time allowed between two body chunks, in ms (0: none); not counted while the client holds the body back. */
  bodyTimeout: number;
}

/** The answer of one upstream call, from the head on. */
export interface UpstreamResponse {
  readonly statusCode: number;
  /** The response fields as sent, flat [name, value, …]. */
  readonly rawHeaders: readonly string[];
  /** The same as an object: lower-case names, a repeated field as an array (built on first use). */
  readonly headers: IncomingHttpHeaders;
  /** Sends the body (what came already, then the rest) to `sink`. */
  attach(sink: BodySink): void;
  resume(): void;
  /** Reads the rest of the body and drops it (keeps the connection reusable). */
  dump(): void;
  /** Stops the request or the body; the connection is closed. */
  abort(reason: Error): void;
}

/** Called once per call: with the call at the response head, or with the error before it (possibly before `dispatch` returns). */
export type Settle = (outcome: UpstreamResponse | Error) => void;

/** Something that sends requests to one instance. */
export interface UpstreamClient {
  dispatch(request: UpstreamRequest, settle: Settle): UpstreamResponse;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** RFC 9110 §9.2.2: idempotent methods may be sent again. */
export const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

const DISCARD: BodySink = { data: () => true, end: () => undefined, error: () => undefined };

/** The settle-once head, early chunks and sink of a call; subclasses pause and stop their source. */
export abstract class ResponseRelay implements UpstreamResponse {
  statusCode = 0;
  rawHeaders: readonly string[] = [];
  private headerObject: IncomingHttpHeaders | undefined;
  private settle: Settle | undefined;
  private pending: Buffer[] | undefined;
  private sink: BodySink | undefined;
  protected done = false;
  protected failure: Error | undefined;

  /** `settle` is called exactly once: with this call at the response head, or with the error before it. */
  constructor(settle: Settle) {
    this.settle = settle;
  }

  /** The body has ended, or the call failed: nothing more will come. */
  get finished(): boolean {
    return this.done || this.failure !== undefined;
  }

  get headers(): IncomingHttpHeaders {
    if (this.headerObject !== undefined) return this.headerObject;
    const headers: Record<string, string | string[]> = {};
    const raw = this.rawHeaders;
    for (let index = 0; index < raw.length; index += 2) {
      const name = (raw[index] as string).toLowerCase();
      const value = raw[index + 1] as string;
      const seen = headers[name];
      if (seen === undefined) headers[name] = value;
      else if (Array.isArray(seen)) seen.push(value);
      else headers[name] = [seen, value];
    }
    this.headerObject = headers;
    return headers;
  }

  protected head(statusCode: number, rawHeaders: readonly string[], headers?: IncomingHttpHeaders): void {
    this.statusCode = statusCode;
    this.rawHeaders = rawHeaders;
    this.headerObject = headers;
    const settle = this.settle;
    this.settle = undefined;
    settle?.(this);
  }

  /** A body chunk; false when the sink asked to pause (the subclass has been told through `pauseSource`). */
  protected body(chunk: Buffer): boolean {
    const sink = this.sink;
    if (sink === undefined) (this.pending ??= []).push(chunk);
    else if (!sink.data(chunk)) {
      this.pauseSource();
      return false;
    }
    return true;
  }

  protected complete(): void {
    this.done = true;
    this.sink?.end();
  }

  protected fail(error: Error): void {
    const settle = this.settle;
    if (settle !== undefined) {
      this.settle = undefined;
      settle(error);
      return;
    }
    if (this.finished) return;
    this.failure = error;
    this.sink?.error(error);
  }

  protected abstract pauseSource(): void;
  abstract resume(): void;
  abstract abort(reason: Error): void;

  attach(sink: BodySink): void {
    this.sink = sink;
    const pending = this.pending;
    this.pending = undefined;
    let flowing = true;
    if (pending !== undefined) for (const chunk of pending) flowing = sink.data(chunk) && flowing;
    if (this.failure !== undefined) sink.error(this.failure);
    else if (this.done) sink.end();
    else if (!flowing) this.pauseSource();
  }

  dump(): void {
    this.attach(DISCARD);
    this.resume();
  }
}

/** A call through undici's dispatch API. */
export class UndiciCall extends ResponseRelay implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx interim answers (RFC 9110 §15.2) are not the response; node:http sends its own 100 Continue.
    if (statusCode < 200) return;
    const raw: string[] = [];
    for (const name in headers) {
      const value = headers[name];
      if (Array.isArray(value)) for (const item of value) raw.push(name, item);
      else if (value !== undefined) raw.push(name, value);
    }
    this.head(statusCode, raw, headers);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body(chunk);
  }

  onResponseEnd(): void {
    this.complete();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  protected pauseSource(): void {
    this.controller?.pause();
  }

  resume(): void {
    this.controller?.resume();
  }

  abort(reason: Error): void {
    if (this.finished) return;
    if (this.controller === undefined) this.abortReason = reason;
    else this.controller.abort(reason);
  }
}

/** An undici dispatcher (Pool) as an `UpstreamClient`. */
export function undiciClient(dispatcher: Dispatcher): UpstreamClient {
  return {
    dispatch(request, settle) {
      const call = new UndiciCall(settle);
      dispatcher.dispatch(
        {
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body,
          headersTimeout: request.headersTimeout,
          bodyTimeout: request.bodyTimeout,
        },
        call,
      );
      return call;
    },
    close: () => dispatcher.close(),
    destroy: () => dispatcher.destroy(),
  };
}
