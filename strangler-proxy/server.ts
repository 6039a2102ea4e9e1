/**
 * The library entry point: `startProxy` listens on node:http with the parser limits set
 * (maxHeaderSize, headersTimeout, requestTimeout), serves the data plane, watches the
 * config file when asked, and `close()` drains: stop accepting, close idle keep-alive
 * connections, let requests in flight finish (up to `timeouts.shutdownGrace`), then cut
 * what is left.
 */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { StranglerError, messageOf } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { ProxyConfig } from './config/schema.js';
import { loadProxyConfig, parseProxyConfig } from './config/load.js';
import type { ProxyControl, ProxyObserver } from './control.js';
import type { Probe } from './health/active-checker.js';
import { onClientError } from './http/client-errors.js';
import { createRequestHandler } from './http/forward.js';
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
  /** `http://host:port` the proxy answers on. */
  readonly url: string;
  readonly port: number;
  readonly control: ProxyControl;
  readonly server: Server;
  /** Graceful stop; resolves when every connection and pool is closed. */
  close(): Promise<void>;
}

export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const logger = options.logger ?? silentLogger;
  let config: ProxyConfig;
  if (options.config !== undefined) config = parseProxyConfig(options.config, options.configPath ?? 'proxy config');
  else if (options.configPath !== undefined) config = await loadProxyConfig(options.configPath);
  else throw new StranglerError('PROXY_NO_CONFIG', 'startProxy needs a config or a configPath.');

  const runtime = new ProxyRuntime({
    config,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
    logger,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    ...(options.probe === undefined ? {} : { probe: options.probe }),
  });
  let draining = false;
  const tunnels = new Set<Duplex>();
  const server = createServer(
    {
      maxHeaderSize: config.maxHeaderSize,
      headersTimeout: config.timeouts.clientHeaders,
      requestTimeout: config.timeouts.clientRequest,
      keepAliveTimeout: config.timeouts.clientKeepAlive,
      requireHostHeader: true,
      insecureHTTPParser: false,
    },
    createRequestHandler({ runtime, logger, observer: options.observer, draining: () => draining }),
  );
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
      server.closeIdleConnections();
      const deadline = Date.now() + runtime.current.config.timeouts.shutdownGrace;
      while (runtime.inflight() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        server.closeIdleConnections();
      }
      const forced = runtime.inflight() > 0;
      for (const socket of tunnels) socket.destroy();
      server.closeAllConnections();
      await closed;
      await runtime.close(forced);
    })();
    return closing;
  };

  logger.info('proxy listening', { url: listening.url, routes: config.routes.length });
  return { url: listening.url, port: listening.port, control: runtime, server, close };
}
