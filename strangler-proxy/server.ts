/**
 * The library entry point: `startProxy` listens on node:http — node:https with `listen.tls`
 * — with the parser limits set (maxHeaderSize, headersTimeout, requestTimeout), with the
 * proxy's own reader for bodiless requests in front on a plain-HTTP listener (http/front.ts;
 * `listen.server: node` leaves every request to node:http), serves the
 * data plane, watches the config file when asked, and `close()` drains: stop accepting,
 * close idle keep-alive connections, let requests in flight finish (up to
 * `timeouts.shutdownGrace`), then cut what is left. With TLS, the certificate files are
 * read again whenever a config is loaded anew (file change, `reload()`).
 */
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { Server as TlsServer } from 'node:tls';
import { StranglerError, messageOf } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { ProxyConfig } from './config/schema.js';
import { loadProxyConfig, parseProxyConfig } from './config/load.js';
import { loadTlsMaterial, secureContextOptions } from './config/tls.js';
import type { ProxyControl, ProxyObserver } from './control.js';
import type { Probe } from './health/active-checker.js';
import { onClientError } from './http/client-errors.js';
import { createRequestHandler } from './http/forward.js';
import { frontAvailable, installFront, type Front } from './http/front.js';
import type { InboundHandler } from './http/inbound.js';
import { listenOn } from './http/listen.js';
import { createUpgradeHandler } from './http/websocket.js';
import { ProxyRuntime } from './runtime.js';
import { watchConfigFile } from './watch.js';

export interface StartProxyOptions {
  /** A validated config, or plain data to validate (ignored when only `configPath` is given). */
  config?: ProxyConfig | unknown;
  /** A YAML/JSON file; read when `config` is absent, and read again by `reload()`. */
  configPath?: string;
  /** Re-apply the file whenever it changes (needs `configPath`). */
  watch?: boolean;
  logger?: Logger;
  observer?: ProxyObserver;
  /** Replaces the active health probe (tests). */
  probe?: Probe;
  /** Overrides `listen.port` (e.g. 0 in tests). */
  port?: number;
  host?: string;
}

export interface RunningProxy {
  /** `http://host:port` (`https://` with `listen.tls`) the proxy answers on. */
  readonly url: string;
  readonly port: number;
  readonly control: ProxyControl;
  readonly server: Server;
  /** Graceful stop; resolves when every connection and pool is closed. */
  close(): Promise<void>;
}

/** node:http, or node:https with the same parser limits when `listen.tls` is set (a `caFile` makes client certificates required). */
function createDataPlane(config: ProxyConfig, source: string, handler: InboundHandler): Server {
  const options = {
    maxHeaderSize: config.maxHeaderSize,
    headersTimeout: config.timeouts.clientHeaders,
    requestTimeout: config.timeouts.clientRequest,
    keepAliveTimeout: config.timeouts.clientKeepAlive,
    requireHostHeader: true,
    insecureHTTPParser: false,
  };
  const tls = config.listen.tls;
  if (tls === undefined) return createServer(options, handler);
  return createHttpsServer(
    {
      ...options,
      ...secureContextOptions(loadTlsMaterial(tls, source)),
      // A client that never finishes its handshake is dropped as soon as a slow head would be.
      handshakeTimeout: config.timeouts.clientHeaders,
      ...(tls.caFile === undefined ? {} : { requestCert: true, rejectUnauthorized: true }),
    },
    handler,
  );
}

/**
 * Called with each config applied. A new `listen` object means the config was loaded anew
 * (route changes keep it): the certificate files are read again and swapped in for new
 * handshakes (`setSecureContext`; open connections keep theirs). Turning TLS on or off,
 * or client certificates, needs a restart.
 */
function tlsReloader(server: Server, started: ProxyConfig, source: string, logger: Logger): (next: ProxyConfig) => void {
  let listen = started.listen;
  return (next) => {
    if (next.listen === listen) return;
    listen = next.listen;
    const tls = next.listen.tls;
    const before = started.listen.tls;
    if ((tls === undefined) !== (before === undefined) || (tls?.caFile === undefined) !== (before?.caFile === undefined)) {
      logger.warn('listen.tls changed in a way that needs a restart (TLS or client certificates on/off); restart the proxy to apply it');
      return;
    }
    if (tls === undefined || !(server instanceof TlsServer)) return;
    try {
      server.setSecureContext(secureContextOptions(loadTlsMaterial(tls, source)));
      logger.info('TLS certificate reloaded', { certFile: tls.certFile });
    } catch (error) {
      logger.error('TLS certificate not reloaded; the previous one stays in effect', { error: messageOf(error) });
    }
  };
}

export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const logger = options.logger ?? silentLogger;
  const source = options.configPath ?? 'proxy config';
  let config: ProxyConfig;
  if (options.config !== undefined) {
    const baseDir = options.configPath === undefined ? process.cwd() : dirname(resolve(options.configPath));
    config = parseProxyConfig(options.config, source, baseDir);
  } else if (options.configPath !== undefined) config = await loadProxyConfig(options.configPath);
  else throw new StranglerError('PROXY_NO_CONFIG', 'startProxy needs a config or a configPath.');

  const observer = options.observer;
  let applied: (next: ProxyConfig) => void = () => undefined;
  // The runtime's reload notice also refreshes the TLS certificate; requests are told to `observer` directly.
  const runtimeObserver: ProxyObserver = {
    onRequest: () => undefined,
    onReload: (version) => {
      applied(runtime.current.config);
      observer?.onReload?.(version);
    },
    onShadow: (event) => observer?.onShadow?.(event),
  };
  const runtime = new ProxyRuntime({
    config,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
    logger,
    observer: runtimeObserver,
    ...(options.probe === undefined ? {} : { probe: options.probe }),
  });
  let draining = false;
  const tunnels = new Set<Duplex>();
  const handler = createRequestHandler({ runtime, logger, observer, draining: () => draining });
  const server = createDataPlane(config, source, handler);
  const front: Front | undefined =
    config.listen.tls === undefined && config.listen.server === 'builtin' && frontAvailable
      ? installFront(server, {
          maxHeaderSize: config.maxHeaderSize,
          headersTimeout: config.timeouts.clientHeaders,
          keepAliveTimeout: config.timeouts.clientKeepAlive,
          handler,
          draining: () => draining,
        })
      : undefined;
  applied = tlsReloader(server, config, source, logger);
  server.on('clientError', onClientError);
  server.on('upgrade', createUpgradeHandler(runtime, logger, tunnels));

  const host = options.host ?? config.listen.host;
  const port = options.port ?? config.listen.port;
  const listening = await listenOn(
    server,
    host,
    port,
    (error) =>
      new StranglerError(
        error.code === 'EADDRINUSE' ? 'PROXY_PORT_IN_USE' : 'PROXY_LISTEN_FAILED',
        `Cannot listen on ${host}:${port}: ${error.message}. Pick another listen.port or stop what uses it.`,
        { cause: error },
      ),
  );

  const stopWatching =
    options.watch && options.configPath !== undefined
      ? watchConfigFile(options.configPath, {
          apply: (next) => runtime.apply(next),
          onError: (error) =>
            logger.error('config file change not applied; the previous config stays in effect', { error: messageOf(error) }),
        })
      : () => undefined;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      stopWatching();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle connections, node:http's and the front's, close now and as requests finish.
      const closeIdle = (): void => {
        server.closeIdleConnections();
        front?.closeIdle();
      };
      closeIdle();
      const deadline = Date.now() + runtime.current.config.timeouts.shutdownGrace;
      while (runtime.inflight() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        closeIdle();
      }
      const forced = runtime.inflight() > 0;
      for (const socket of tunnels) socket.destroy();
      server.closeAllConnections();
      front?.closeAll();
      await closed;
      await runtime.close(forced);
    })();
    return closing;
  };

  logger.info('proxy listening', { url: listening.url, routes: config.routes.length });
  return { url: listening.url, port: listening.port, control: runtime, server, close };
}
