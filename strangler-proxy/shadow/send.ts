/**
 * Sends one shadow copy over the target instance's keep-alive pool and reads its answer
 * with a bound: past `maxBodyBytes` the body is drained and discarded, not kept. Never
 * throws; a failure comes back as a value. Shadow traffic does not feed the instance's
 * health, breaker or latency state: only real traffic decides where real requests go.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { classifyFailure } from '../http/upstream-errors.js';
import type { UpstreamService } from '../upstream/service.js';
import type { CapturedResponse } from './compare.js';

export type ShadowAnswer =
  | { ok: true; response: CapturedResponse; ms: number; instance: string }
  | { ok: false; reason: string; timedOut: boolean; ms: number; instance: string | undefined };

export interface ShadowSendOptions {
  service: UpstreamService;
  path: string;
  method: string;
  /** Upstream request headers as computed for the primary (flat name/value list). */
  headers: readonly string[];
  body: Buffer | undefined;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Sticky/consistent-hash key, so a hashing balancer picks the same way as for real traffic. */
  hashKey: string | undefined;
}

/** Marks a copy so the service can tell it apart (and e.g. skip side effects). */
export const SHADOW_HEADER = 'x-strangler-shadow';

export async function sendShadow(options: ShadowSendOptions): Promise<ShadowAnswer> {
  const started = performance.now();
  const instance = options.service.pick(Date.now(), options.hashKey);
  if (!instance) return { ok: false, reason: 'no instance available', timedOut: false, ms: 0, instance: undefined };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  timer.unref();
  let response: Dispatcher.ResponseData | undefined;
  try {
    response = await instance.pool.request({
      path: options.path,
      method: options.method as Dispatcher.HttpMethod,
      headers: [...options.headers, SHADOW_HEADER, '1'],
      body: options.body ?? null,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: controller.signal,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    for await (const chunk of response.body) {
      const data = chunk as Buffer;
      bytes += data.length;
      if (bytes > options.maxBodyBytes) {
        tooLarge = true;
        break;
      }
      chunks.push(data);
    }
    // Breaking out of the loop destroys the body; the pool opens a new connection next time.
    return {
      ok: true,
      response: { status: response.statusCode, headers: response.headers, body: tooLarge ? undefined : Buffer.concat(chunks) },
      ms: performance.now() - started,
      instance: instance.key,
    };
  } catch (error: unknown) {
    response?.body.destroy();
    const reason = timedOut ? 'timeout' : classifyFailure(error).reason;
    return {
      ok: false,
      reason,
      timedOut: timedOut || reason.includes('in time') || reason.includes('stalled'),
      ms: performance.now() - started,
      instance: instance.key,
    };
  } finally {
    clearTimeout(timer);
  }
}
