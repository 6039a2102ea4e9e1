/**
 * Upgrades (WebSocket, RFC 6455 §4): the handshake is routed like any request, sent to the
 * chosen instance with undici's `upgrade`, the upstream's 101 is relayed, and then the two
 * sockets are piped together until either side closes. A diverted handshake that cannot
 * connect falls back to the monolith like a GET does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/logger.js';
import type { ProxyRuntime } from '../runtime.js';
import { hasDotSegment } from '../router/path-pattern.js';
import { decide, stickyKey, type CompiledRoute } from '../router/route-table.js';
import type { UpstreamService } from '../upstream/service.js';
import { upstreamRequestHeaders } from './headers.js';
import { classifyFailure } from './upstream-errors.js';

function rawError(status: number, reason: string, route: string | undefined, upstream: string | undefined): string {
  const body = JSON.stringify({
    error: status === 400 ? 'bad request' : status === 503 ? 'service unavailable' : 'bad gateway',
    status,
    ...(route === undefined ? {} : { route }),
    ...(upstream === undefined ? {} : { upstream }),
    reason,
  });
  const title = status === 400 ? 'Bad Request' : status === 503 ? 'Service Unavailable' : 'Bad Gateway';
  return `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

export function createUpgradeHandler(
  runtime: ProxyRuntime,
  logger: Logger,
  tunnels: Set<Duplex>,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const open = async (
    service: UpstreamService,
    req: IncomingMessage,
    path: string,
    headers: string[],
    hashKey: string,
  ): Promise<
    | { ok: true; headers: Record<string, string | string[] | undefined>; socket: Duplex }
    | { ok: false; status: number; reason: string; notSent: boolean }
  > => {
    const instance = service.pick(Date.now(), hashKey);
    if (!instance) return { ok: false, status: 503, reason: 'no instance available', notSent: true };
    instance.onStart(Date.now());
    try {
      const upgraded = await instance.pool.upgrade({
        path,
        method: req.method ?? 'GET',
        headers,
        protocol: req.headers.upgrade ?? 'websocket',
      });
      instance.onAnswer(101, 0, Date.now(), () => false);
      instance.onEnd();
      return { ok: true, headers: upgraded.headers, socket: upgraded.socket };
    } catch (error) {
      instance.onFailure(Date.now());
      const failure = classifyFailure(error);
      return { ok: false, status: failure.status, reason: failure.reason, notSent: failure.notSent };
    }
  };

  const handle = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const state = runtime.current;
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path.charCodeAt(0) !== 47 || hasDotSegment(path)) {
      socket.end(rawError(400, 'the request target must be an origin-form path', undefined, undefined));
      return;
    }
    const facts = { method: req.method ?? 'GET', path, headers: req.headers, clientAddress: req.socket.remoteAddress ?? '' };
    const headers = upstreamRequestHeaders(req.rawHeaders, {
      clientAddress: facts.clientAddress,
      proto: 'encrypted' in req.socket ? 'https' : 'http',
      trustForwarded: state.config.trustForwarded,
      preserveHost: state.config.preserveHost,
    });
    const route: CompiledRoute | undefined = state.table.match(facts);
    const hashKey = (route ? stickyKey(route, facts) : undefined) ?? facts.clientAddress;
    let result: Awaited<ReturnType<typeof open>> | undefined;
    let target = 'monolith';
    if (route) {
      route.counters.matched++;
      const service = decide(route, facts) ? state.services.get(route.config.service) : undefined;
      if (service) {
        route.counters.diverted++;
        target = service.name;
        result = await open(service, req, route.rewrite(url), headers, hashKey);
        if (!result.ok && route.config.fallback && result.notSent) {
          route.counters.fallbacks++;
          result = undefined;
          target = 'monolith';
        }
      }
    }
    result ??= await open(state.monolith, req, url, headers, hashKey);
    if (!result.ok) {
      if (route) route.counters.errors++;
      socket.end(rawError(result.status, result.reason, route?.id, target));
      return;
    }
    const upstream = result.socket;
    if (socket.destroyed) {
      upstream.destroy();
      return;
    }
    let head101 = 'HTTP/1.1 101 Switching Protocols\r\n';
    for (const [name, value] of Object.entries(result.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) head101 += `${name}: ${item}\r\n`;
    }
    socket.write(head101 + '\r\n');
    if (head.length > 0) upstream.write(head);
    tunnels.add(socket);
    const close = (): void => {
      tunnels.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close);
    upstream.on('error', close);
    socket.on('close', close);
    upstream.on('close', close);
    upstream.pipe(socket);
    socket.pipe(upstream);
  };

  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    handle(req, socket, head).catch((error: unknown) => {
      logger.error('upgrade failed', { error });
      socket.destroy();
    });
  };
}
