/**
 * One request to an upstream instance through undici's `Dispatcher.dispatch()` with a
 * handler, instead of `pool.request()`: no Readable body, no pipe and no promise per
 * chunk. The call settles once, at the response head (or the failure before it); body
 * chunks that arrive before a sink is attached (usually the whole of a small answer, in
 * the same parse as the head) wait in a short array and are flushed on `attach`.
 * Backpressure: when the sink's write returns false the call pauses undici's parser until
 * the sink calls `resume()` (e.g. on the client socket's `drain`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** Where the response body goes. */
export interface BodySink {
  /** Returns false to pause the upstream until `resume()`. */
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: Error): void;
}

const DISCARD: BodySink = { data: () => true, end: () => undefined, error: () => undefined };

export class UpstreamCall implements Dispatcher.DispatchHandler {
  statusCode = 0;
  headers: IncomingHttpHeaders = {};
  private controller: Dispatcher.DispatchController | undefined;
  private settle: ((call: UpstreamCall | Error) => void) | undefined;
  private pending: Buffer[] | undefined;
  private sink: BodySink | undefined;
  private done = false;
  private failure: Error | undefined;
  private abortReason: Error | undefined;

  /** `settle` is called exactly once: with this call at the response head, or with the error before it. */
  constructor(settle: (call: UpstreamCall | Error) => void) {
    this.settle = settle;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx interim answers (RFC 9110 §15.2) are not the response; node:http sends its own 100 Continue.
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
    const settle = this.settle;
    this.settle = undefined;
    settle?.(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const sink = this.sink;
    if (sink === undefined) (this.pending ??= []).push(chunk);
    else if (!sink.data(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.done = true;
    this.sink?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const settle = this.settle;
    if (settle !== undefined) {
      this.settle = undefined;
      settle(error);
      return;
    }
    this.failure = error;
    this.sink?.error(error);
  }

  /** Sends the body (what came already, then the rest) to `sink`. */
  attach(sink: BodySink): void {
    this.sink = sink;
    const pending = this.pending;
    this.pending = undefined;
    let flowing = true;
    if (pending !== undefined) for (const chunk of pending) flowing = sink.data(chunk) && flowing;
    if (this.failure !== undefined) sink.error(this.failure);
    else if (this.done) sink.end();
    else if (!flowing) this.controller?.pause();
  }

  resume(): void {
    this.controller?.resume();
  }

  /** Reads the rest of the body and drops it (keeps the connection reusable). */
  dump(): void {
    this.attach(DISCARD);
    this.resume();
  }

  /** Stops the request or the body; the connection is closed. */
  abort(reason: Error): void {
    if (this.done || this.failure !== undefined) return;
    if (this.controller === undefined) this.abortReason = reason;
    else this.controller.abort(reason);
  }
}

/** Dispatches `options` on `dispatcher`; resolves at the response head. */
export function callUpstream(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
): { call: UpstreamCall; head: Promise<UpstreamCall> } {
  let resolve: (call: UpstreamCall) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const head = new Promise<UpstreamCall>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  const call = new UpstreamCall((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
  dispatcher.dispatch(options, call);
  return { call, head };
}
