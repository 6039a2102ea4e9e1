/**
 * The JSON API of the admin side, on top of `ProxyControl`: read routes and instances,
 * replace the route table, change one route's weight or switch it on and off, reload the
 * config file, read the shadow report (with `--workers`, the control given here is
 * cluster.ts's, which sums every worker's totals and lists every worker's samples, each
 * with its `worker`). Bad input answers 400 with the key that is wrong (`error.key`, and every
 * problem in `error.issues`); an unknown route answers 404.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { optional, object, number, boolean, validate } from '../../common/config/schema.js';
import { StranglerError } from '../../common/errors.js';
import type { ProxyControl } from '../control.js';

const patchSchema = object({
  weight: optional(number({ min: 0, max: 100, description: 'Percentage of matching traffic diverted to the service.' })),
  enabled: optional(boolean({ description: 'When false, matching traffic goes to the monolith.' })),
});

/** PUT /api/routes takes `{ "routes": [...] }` (the config file's `routes` key) or the bare list. */
function routesOf(body: unknown): unknown {
  if (Array.isArray(body)) return body;
  if (typeof body !== 'object' || body === null) {
    throw new StranglerError('CONFIG_INVALID', 'Send a JSON object { "routes": [...] } (or the list of routes itself).', {
      details: { issues: [{ path: '(top level)', message: 'expected an object with a "routes" list' }] },
    });
  }
  const extra = Object.keys(body).filter((key) => key !== 'routes');
  if (extra.length > 0 || !('routes' in body)) {
    const issues =
      extra.length > 0
        ? extra.map((key) => ({ path: key, message: 'unknown key; the body holds only "routes"' }))
        : [{ path: 'routes', message: 'is required (the list of routes)' }];
    throw new StranglerError(
      'CONFIG_INVALID',
      `The body is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`,
      {
        details: { issues },
      },
    );
  }
  return body.routes;
}

function requireJson(req: Request): void {
  if (!req.is('application/json')) {
    throw new StranglerError('PROXY_ADMIN_NOT_JSON', 'Send the body as JSON with "Content-Type: application/json".');
  }
}

function routeOrThrow(control: ProxyControl, id: string): ReturnType<ProxyControl['routes']>[number] {
  const route = control.routes().find((candidate) => candidate.id === id);
  if (!route) {
    const known = control.routes().map((candidate) => candidate.id);
    throw new StranglerError('PROXY_UNKNOWN_ROUTE', `There is no route "${id}"; routes: ${known.join(', ') || '(none)'}.`);
  }
  return route;
}

export function adminApi(control: ProxyControl): Router {
  const api = express.Router();
  api.use(express.json({ limit: '1mb', strict: false }));

  api.get('/routes', (_req, res) => {
    res.json({ version: control.version(), routes: control.routes() });
  });

  api.put('/routes', (req, res) => {
    requireJson(req);
    control.replaceRoutes(routesOf(req.body));
    res.json({ version: control.version(), routes: control.routes() });
  });

  api.patch('/routes/:id', (req, res) => {
    requireJson(req);
    const id = req.params['id'] ?? '';
    const change = validate(patchSchema, req.body, 'The body');
    if (change.weight === undefined && change.enabled === undefined) {
      throw new StranglerError('CONFIG_INVALID', 'Send { "weight": 0..100 } and/or { "enabled": true|false }.', {
        details: { issues: [{ path: 'weight', message: 'weight or enabled is required' }] },
      });
    }
    routeOrThrow(control, id);
    if (change.weight !== undefined) control.setWeight(id, change.weight);
    if (change.enabled !== undefined) control.setEnabled(id, change.enabled);
    res.json({ version: control.version(), route: routeOrThrow(control, id) });
  });

  api.post('/reload', async (_req, res) => {
    await control.reload();
    res.json({ version: control.version() });
  });

  api.get('/instances', (_req, res) => {
    res.json({ instances: control.instances() });
  });

  api.get('/shadow', (_req, res) => {
    res.json(control.shadowReport?.() ?? { routes: [], samples: [] });
  });

  api.use((_req: Request, _res: Response, next: NextFunction) => {
    next(
      new StranglerError(
        'PROXY_ADMIN_NOT_FOUND',
        'No such admin endpoint; see GET /api/routes, /api/instances, /api/shadow, PUT /api/routes, PATCH /api/routes/:id, POST /api/reload.',
      ),
    );
  });
  return api;
}
