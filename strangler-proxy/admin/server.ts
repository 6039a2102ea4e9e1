/**
 * The admin side's own HTTP listener (express 5; the data plane never goes through
 * express). Loopback by default; it refuses to start on any other address unless the token
 * variable is set. Everything but `/healthz` and the data-less page shell needs
 * `Authorization: Bearer <token>`; `/metrics` too unless `metricsPublic` is set.
 */
import { createServer, type Server } from 'node:http';
import { listenOn } from '../http/listen.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import { StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ProxyControl } from '../control.js';
import { EXPOSITION_CONTENT_TYPE } from '../metrics/exposition.js';
import { defaultAdminConfig, type AdminConfig } from './admin-config.js';
import { adminApi } from './api.js';
import { isLoopbackHost, requireToken } from './auth.js';
import { adminErrorHandler } from './error-handler.js';
import { PAGE_CONTENT_SECURITY_POLICY, renderAdminPage } from './page.js';

/** What the admin side needs from the metrics: the exposition text. `attach` is called once with the control. */
export interface MetricsSource {
  expose(): string;
  attach?(control: ProxyControl): void;
}

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

export interface AdminServerOptions {
  /** Where the token variable is read; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Shown on the page. */
  title?: string;
}

/** Tokens shorter than this are accepted but logged as weak. */
const MIN_TOKEN_LENGTH = 16;

function accessLog(logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      // Path only: no query string, no headers (the Authorization header carries the token).
      logger.debug('admin request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    });
    next();
  };
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  next();
}

export function createAdminApp(
  control: ProxyControl,
  metrics: MetricsSource,
  config: AdminConfig,
  token: string | undefined,
  logger: Logger,
  title?: string,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders, accessLog(logger));
  const guard = requireToken(token, config.tokenEnv);
  const page = renderAdminPage(title);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: control.version() });
  });
  app.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    res.type('html').send(page);
  });
  const metricsRoute = (_req: Request, res: Response): void => {
    res.setHeader('Content-Type', EXPOSITION_CONTENT_TYPE);
    res.send(metrics.expose());
  };
  if (config.metricsPublic) app.get('/metrics', metricsRoute);
  else app.get('/metrics', guard, metricsRoute);
  app.use('/api', guard, adminApi(control));
  app.use(guard, (_req: Request, _res: Response, next: NextFunction) => {
    next(new StranglerError('PROXY_ADMIN_NOT_FOUND', 'No such admin endpoint; see GET /, /metrics, /healthz and /api/routes.'));
  });
  app.use(adminErrorHandler(logger));
  return app;
}

/**
 * Starts the admin API. Rejects with PROXY_ADMIN_NO_TOKEN for a non-loopback address
 * without a token, PROXY_ADMIN_LISTEN when the address cannot be bound.
 */
export async function startAdminServer(
  control: ProxyControl,
  metrics: MetricsSource,
  config: AdminConfig = defaultAdminConfig,
  logger: Logger = silentLogger,
  options: AdminServerOptions = {},
): Promise<AdminServer> {
  const env = options.env ?? process.env;
  const raw = env[config.tokenEnv];
  const token = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  const { host, port } = config.listen;
  if (!isLoopbackHost(host) && token === undefined) {
    throw new StranglerError(
      'PROXY_ADMIN_NO_TOKEN',
      `The admin API would listen on ${host}, which is not loopback, without a token. Set the environment variable ${config.tokenEnv}, or set admin.listen.host to 127.0.0.1.`,
    );
  }
  if (token === undefined) {
    logger.warn('admin API has no token: every endpoint but /healthz answers 401', { tokenEnv: config.tokenEnv });
  } else if (token.length < MIN_TOKEN_LENGTH) {
    logger.warn(`admin token is shorter than ${MIN_TOKEN_LENGTH} characters; use a long random one`, { tokenEnv: config.tokenEnv });
  }
  metrics.attach?.(control);
  const app = createAdminApp(control, metrics, config, token, logger, options.title);
  const server: Server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, app);
  const { url } = await listenOn(
    server,
    host,
    port,
    (cause) =>
      new StranglerError(
        'PROXY_ADMIN_LISTEN',
        `The admin API cannot listen on ${host}:${port}: ${cause.message}. Pick another admin.listen.port.`,
        {
          cause,
        },
      ),
  );
  logger.info('admin API listening', { url, metricsPublic: config.metricsPublic });
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        // The page polls with keep-alive; nothing on the admin side is worth waiting for.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
