/**
 * One table from network errors to what the client gets (502 Bad Gateway, 504 Gateway
 * Timeout: RFC 9110 §15.6.3, §15.6.5) and to whether the request surely never reached the
 * upstream (then even a non-idempotent request may go elsewhere).
 */
import type { InboundResponse } from './inbound.js';
import { H1_ERRORS } from '../upstream/h1-pool.js';
import { tlsFailure } from '../upstream/tls-errors.js';

export interface FailureClass {
  status: 502 | 503 | 504;
  /** The upstream cannot have seen the request (no connection was made). */
  notSent: boolean;
  /** The client went away: nobody to answer. */
  clientGone: boolean;
  reason: string;
}

const TABLE: Record<string, FailureClass> = {
  // Our HTTP/1.1 pool (upstream/h1-pool.ts); the socket's own codes follow.
  [H1_ERRORS.connectTimeout]: { status: 504, notSent: true, clientGone: false, reason: 'connect timeout' },
  [H1_ERRORS.headersTimeout]: { status: 504, notSent: false, clientGone: false, reason: 'no response headers in time' },
  [H1_ERRORS.bodyTimeout]: { status: 504, notSent: false, clientGone: false, reason: 'response body stalled' },
  [H1_ERRORS.closed]: { status: 502, notSent: false, clientGone: false, reason: 'connection closed' },
  [H1_ERRORS.invalidResponse]: { status: 502, notSent: false, clientGone: false, reason: 'invalid response' },
  [H1_ERRORS.poolClosed]: { status: 502, notSent: true, clientGone: false, reason: 'pool closed' },
  [H1_ERRORS.clientAborted]: { status: 502, notSent: false, clientGone: true, reason: 'request body cut short by the client' },
  ECONNREFUSED: { status: 502, notSent: true, clientGone: false, reason: 'connection refused' },
  ENOTFOUND: { status: 502, notSent: true, clientGone: false, reason: 'host not found' },
  EAI_AGAIN: { status: 502, notSent: true, clientGone: false, reason: 'host lookup failed' },
  EHOSTUNREACH: { status: 502, notSent: true, clientGone: false, reason: 'host unreachable' },
  ENETUNREACH: { status: 502, notSent: true, clientGone: false, reason: 'network unreachable' },
  UND_ERR_CONNECT_TIMEOUT: { status: 504, notSent: true, clientGone: false, reason: 'connect timeout' },
  UND_ERR_HEADERS_TIMEOUT: { status: 504, notSent: false, clientGone: false, reason: 'no response headers in time' },
  UND_ERR_BODY_TIMEOUT: { status: 504, notSent: false, clientGone: false, reason: 'response body stalled' },
  ECONNRESET: { status: 502, notSent: false, clientGone: false, reason: 'connection reset' },
  EPIPE: { status: 502, notSent: false, clientGone: false, reason: 'connection closed' },
  UND_ERR_SOCKET: { status: 502, notSent: false, clientGone: false, reason: 'connection closed' },
  UND_ERR_CLOSED: { status: 502, notSent: true, clientGone: false, reason: 'pool closed' },
  UND_ERR_DESTROYED: { status: 502, notSent: true, clientGone: false, reason: 'pool closed' },
  UND_ERR_ABORTED: { status: 502, notSent: false, clientGone: true, reason: 'client aborted' },
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: {
    status: 502,
    notSent: false,
    clientGone: true,
    reason: 'request body shorter than Content-Length',
  },
  ERR_STREAM_PREMATURE_CLOSE: { status: 502, notSent: false, clientGone: true, reason: 'client aborted' },
  ECONNABORTED: { status: 502, notSent: false, clientGone: true, reason: 'client aborted' },
};

const UNKNOWN: FailureClass = { status: 502, notSent: false, clientGone: false, reason: 'upstream error' };

export function classifyFailure(error: unknown): FailureClass {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return (typeof code === 'string' ? (TABLE[code] ?? tlsFailure(code)) : undefined) ?? UNKNOWN;
}

export const CLIENT_GONE: FailureClass = { status: 502, notSent: false, clientGone: true, reason: 'client went away' };

export const NO_INSTANCE: FailureClass = { status: 503, notSent: true, clientGone: false, reason: 'no instance available' };

const TITLES: Record<number, string> = {
  400: 'bad request',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

/** A small JSON error naming the route and upstream, e.g. {"error":"bad gateway","route":"catalog",…}. */
export function sendProxyError(
  res: InboundResponse,
  status: number,
  detail: { route?: string | undefined; upstream?: string | undefined; instance?: string | undefined; reason: string },
  closeConnection = false,
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    error: TITLES[status] ?? 'error',
    status,
    ...(detail.route === undefined ? {} : { route: detail.route }),
    ...(detail.upstream === undefined ? {} : { upstream: detail.upstream }),
    ...(detail.instance === undefined ? {} : { instance: detail.instance }),
    reason: detail.reason,
  });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}
