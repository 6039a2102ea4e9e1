import { describe, expect, it } from 'vitest';
import { collect, lines } from './__fixtures__/collect-routes.js';

describe('express routes', () => {
  it('finds app and router routes with every method, route() chains, and the receiver kinds', () => {
    const { routes } = collect({
      'src/app.ts': `
        import express, { Router, type Express } from 'express';
        const app = express();
        const router = express.Router();
        const other = Router();
        app.get('/health', (_req, res) => res.send('ok'));
        router.post('/items', handler);
        router.put('/items/:id', handler);
        router.patch('/items/:id', handler);
        router.delete('/items/:id', handler);
        router.options('/items', handler);
        router.head('/items', handler);
        other.all('/any', handler);
        router.route('/books/:id').get(handler).put(handler).delete(handler);
        app.get(['/a', '/b'], handler);
        app.get('env');
        export function register(r: Router, application: Express) {
          r.get('/typed', handler);
          application.post('/typed-app', handler);
        }
      `,
    });
    expect(lines(routes)).toEqual([
      'ALL /any src/app.ts',
      'DELETE /books/:id src/app.ts',
      'DELETE /items/:id src/app.ts',
      'GET /a src/app.ts',
      'GET /b src/app.ts',
      'GET /books/:id src/app.ts',
      'GET /health src/app.ts',
      'GET /typed src/app.ts',
      'HEAD /items src/app.ts',
      'OPTIONS /items src/app.ts',
      'PATCH /items/:id src/app.ts',
      'POST /items src/app.ts',
      'POST /typed-app src/app.ts',
      'PUT /books/:id src/app.ts',
      'PUT /items/:id src/app.ts',
    ]);
    expect(routes.every((route) => route.framework === 'express')).toBe(true);
  });

  it('joins prefixes across three levels of files and every export form', () => {
    const { routes } = collect({
      'src/app.ts': `
        import express from 'express';
        import { apiRouter } from './api';
        import legacy = require('./legacy');
        const app = express();
        app.use('/api/', apiRouter);
        app.use('/legacy', legacy);
        app.listen(3000);
      `,
      'src/api/index.ts': `
        import { Router } from 'express';
        import ordersRouter from '../orders/orders.routes';
        import { usersRouter as people } from '../users';
        export const apiRouter = Router();
        apiRouter.use('/v1', v1());
        function v1() {
          const r = Router();
          r.use('/orders', ordersRouter);
          r.use('/people', people);
          return r;
        }
      `,
      'src/orders/orders.routes.ts': `
        import { Router } from 'express';
        const router = Router();
        router.get('/', list);
        router.get('/:id', show);
        export default router;
      `,
      'src/users/index.ts': `export { router as usersRouter } from './users.routes';`,
      'src/users/users.routes.ts': `
        import { Router } from 'express';
        const r = Router();
        r.post('/', create);
        export { r as router };
      `,
      'src/legacy.js': `
        const express = require('express');
        const router = express.Router();
        router.get('/ping', (req, res) => res.send('pong'));
        module.exports = router;
      `,
    });
    expect(lines(routes)).toEqual([
      'GET /api/v1/orders src/orders/orders.routes.ts',
      'GET /api/v1/orders/:id src/orders/orders.routes.ts',
      'GET /legacy/ping src/legacy.js',
      'POST /api/v1/people src/users/users.routes.ts',
    ]);
  });

  it('follows routers returned by imported factories, including `export =` and aliases', () => {
    const { routes } = collect(
      {
        'src/app.ts': `
          import express from 'express';
          import { createOrdersRouter } from '@app/orders';
          import makeCart from './cart';
          import notifications = require('./notifications');
          export function createApp(deps: Deps) {
            const app = express();
            app.use('/api/orders', createOrdersRouter(deps));
            app.use('/api/cart', requireLogin, makeCart());
            app.use('/api/notifications', notifications);
            app.use(authenticate);
            return app;
          }
        `,
        'src/orders/routes.ts': `
          import { Router } from 'express';
          export function createOrdersRouter(deps: Deps): Router {
            const router = Router();
            router.get('/:id', (req, res) => res.json(deps.find(req.params.id)));
            router.post('/:id/cancel', cancel);
            return router;
          }
        `,
        'src/cart.ts': `
          import { Router } from 'express';
          export default () => Router().get('/', view).post('/items', add);
        `,
        'src/notifications.ts': `
          import { Router } from 'express';
          const notificationsRouter = Router();
          notificationsRouter.get('/', inbox);
          export = notificationsRouter;
        `,
      },
      { '@app/orders': 'src/orders/routes.ts' },
    );
    expect(lines(routes)).toEqual([
      'GET /api/cart src/cart.ts',
      'GET /api/notifications src/notifications.ts',
      'GET /api/orders/:id src/orders/routes.ts',
      'POST /api/cart/items src/cart.ts',
      'POST /api/orders/:id/cancel src/orders/routes.ts',
    ]);
  });

  it('binds routers passed to functions and class properties', () => {
    const { routes } = collect({
      'src/app.ts': `
        import express, { Router } from 'express';
        import { registerAdmin } from './admin';
        import { UsersController } from './users';
        const app = express();
        const admin = Router();
        registerAdmin(admin);
        app.use('/admin', admin);
        app.use('/users', new UsersController().router);
      `,
      'src/admin.ts': `
        export function registerAdmin(router) {
          router.get('/stats', stats);
        }
      `,
      'src/users.ts': `
        import { Router } from 'express';
        export class UsersController {
          public router = Router();
          constructor() {
            this.router.get('/:id', this.show);
          }
        }
      `,
    });
    expect(lines(routes)).toEqual(['GET /admin/stats src/admin.ts', 'GET /users/:id src/users.ts']);
  });

  it('follows use() chains on an inline router and routes added to an imported router', () => {
    const { routes } = collect({
      'src/main.ts': `
        import express from 'express';
        import routes from './routes';
        import './extra';
        const app = express();
        app.use(routes);
      `,
      'src/routes.ts': `
        import { Router } from 'express';
        import tags from './tags';
        import { shared } from './shared';
        const api = Router().use(tags).use('/shared', shared);
        export default Router().use('/api', api);
      `,
      'src/tags.ts': `
        import { Router } from 'express';
        const router = Router();
        router.get('/tags', list);
        export default router;
      `,
      'src/shared.ts': `import { Router } from 'express';\nexport const shared = Router();`,
      'src/extra.ts': `
        import { shared } from './shared';
        shared.delete('/cache', clear);
      `,
    });
    expect(lines(routes)).toEqual(['DELETE /api/shared/cache src/extra.ts', 'GET /api/tags src/tags.ts']);
  });

  it('resolves const paths, keeps regex paths marked, and warns about dynamic ones', () => {
    const { routes, warnings } = collect({
      'src/app.ts': `
        import express from 'express';
        const app = express();
        const BASE = '/orders';
        const PATHS = { one: BASE + '/:id' } as const;
        app.get(PATHS.one, show);
        app.get(\`\${BASE}/recent\`, recent);
        app.get(/^\\/files\\/.*$/, files);
        app.get(config.path, dynamic);
      `,
    });
    expect(lines(routes)).toEqual([
      'GET /orders/:id src/app.ts',
      'GET /orders/recent src/app.ts',
      'GET /regex:/^\\/files\\/.*$/ src/app.ts',
    ]);
    expect(warnings.map((warning) => warning.code).sort()).toEqual(['ROUTE_DYNAMIC_PATH', 'ROUTE_REGEX_PATH']);
  });

  it('reads express-promise-router routers as express routers, mounted through an app exported from another package (only the mounted paths)', () => {
    const { routes } = collect(
      {
        'apps/user/route.ts': `
          import Router from 'express-promise-router';
          export const router = Router();
          router.post('/api/users/login', login);
          router.route('/api/user').put(update).get(current);
        `,
        'apps/user/app.ts': `
          import express from 'express';
          import { router } from './route';
          export const app = express();
          app.use(router);
        `,
        'apps/local/local.ts': `
          import express from 'express';
          import { app as userApp } from '@acme/user/app';
          const app = express();
          app.use('/v2', userApp);
        `,
      },
      { '@acme/user/app': 'apps/user/app.ts' },
    );
    expect(routes.every((route) => route.framework === 'express')).toBe(true);
    expect(lines(routes)).toEqual([
      'GET /v2/api/user apps/user/route.ts',
      'POST /v2/api/users/login apps/user/route.ts',
      'PUT /v2/api/user apps/user/route.ts',
    ]);
  });

  it('ignores HTTP clients, maps and files without a framework', () => {
    const { routes } = collect({
      'src/client.ts': `
        import axios from 'axios';
        const cache = new Map<string, number>();
        export async function load() {
          cache.get('/api/orders');
          await axios.get('/api/orders', { timeout: 1 });
          await fetch.post('/x', {});
        }
      `,
      'src/prose.ts': `export const help = 'Use .get("/x", h) to read';`,
    });
    expect(routes).toEqual([]);
  });
});

describe('koa-router', () => {
  it('applies constructor prefixes, prefix(), nested use(), named routes, del() as DELETE and register()', () => {
    const { routes } = collect({
      'src/server.ts': `
        import Koa from 'koa';
        import Router from '@koa/router';
        import { users } from './users';
        const app = new Koa();
        const api = new Router({ prefix: '/api' });
        api.use('/v2', users.routes(), users.allowedMethods());
        api.get('status', '/status', status);
        app.use(api.routes());
      `,
      'src/users.ts': `
        import KoaRouter from 'koa-router';
        export const users = new KoaRouter();
        users.prefix('/users');
        users.get('/:id', show);
        users.del('/:id', remove);
        users.register('/:id/avatar', ['get', 'put'], avatar);
      `,
    });
    expect(lines(routes)).toEqual([
      'DELETE /api/v2/users/:id src/users.ts',
      'GET /api/status src/server.ts',
      'GET /api/v2/users/:id src/users.ts',
      'GET /api/v2/users/:id/avatar src/users.ts',
      'PUT /api/v2/users/:id/avatar src/users.ts',
    ]);
    expect(routes.every((route) => route.framework === 'koa')).toBe(true);
  });
});

describe('routers that are never mounted', () => {
  it('warns once per file about routes on a router no mount reaches, not about apps or mounted routers', () => {
    const { routes, warnings } = collect({
      'src/app.ts': `
        import Koa from 'koa';
        import Router from '@koa/router';
        import api from './api';
        const app = new Koa();
        const root = new Router();
        root.get('/health', ok);
        root.use('/api', api.routes());
        app.use(root.routes());
      `,
      'src/api.ts': "import Router from '@koa/router'; const api = new Router(); api.post('/orders', create); export default api;",
      'src/plugins/github.ts': `
        import Router from '@koa/router';
        const router = new Router();
        router.get('github.callback', callback);
        router.post('github.webhooks', hook);
        router.get(\`\${config.id}.start\`, start);
        PluginManager.add({ type: Hook.API, value: router });
      `,
    });
    expect(lines(routes)).toEqual([
      'GET /github.callback src/plugins/github.ts',
      'GET /health src/app.ts',
      'POST /api/orders src/api.ts',
      'POST /github.webhooks src/plugins/github.ts',
    ]);
    expect(warnings.map((warning) => `${warning.code} ${warning.message}`)).toEqual([
      'ROUTE_DYNAMIC_PATH src/plugins/github.ts: route path `${config.id}.start` is not a literal or a const in the same file; route left out.',
      'ROUTE_UNMOUNTED_ROUTER src/plugins/github.ts: 2 route(s) sit on a router that is never mounted where the analyzer can follow it (a plugin registry, a computed use()); they are listed without the mount prefix.',
    ]);
  });
  it('mounts routers that app.use() adds to an app it cannot follow (made in a class elsewhere), not those on another unknown receiver', () => {
    const { routes, warnings } = collect({
      'server/server.js': `
        const { KumaServer } = require('./kuma-server');
        const server = KumaServer.getInstance();
        const app = server.app;
        async function main() {
          const apiRouter = require('./routers/api-router');
          app.use(apiRouter);
          server.app.use('/status', require('./routers/status-router'));
          plugins.use(require('./routers/plugin-router'));
        }
      `,
      'server/kuma-server.js':
        "const express = require('express'); class KumaServer { static getInstance() { return new KumaServer(); } constructor() { this.app = express(); } } module.exports = { KumaServer };",
      'server/routers/api-router.js':
        "const express = require('express'); const router = express.Router(); router.get('/api/badge/:id', badge); module.exports = router;",
      'server/routers/status-router.js':
        "const express = require('express'); const router = express.Router(); router.get('/:slug', page); module.exports = router;",
      'server/routers/plugin-router.js':
        "const express = require('express'); const router = express.Router(); router.get('/hook', hook); module.exports = router;",
    });
    expect(lines(routes)).toEqual([
      'GET /api/badge/:id server/routers/api-router.js',
      'GET /hook server/routers/plugin-router.js',
      'GET /status/:slug server/routers/status-router.js',
    ]);
    expect(warnings.map((warning) => `${warning.code} ${warning.path ?? ''}`)).toEqual([
      'ROUTE_UNMOUNTED_ROUTER server/routers/plugin-router.js',
    ]);
  });
  it('follows routers exported with Object.assign(module.exports, { … }) to where they are mounted', () => {
    const { routes, warnings } = collect({
      'src/app.js': `
        const express = require('express');
        const { users, orders } = require('./routers');
        const app = express();
        app.use('/users', users);
        app.use('/orders', orders);
      `,
      'src/routers.js': `
        const express = require('express');
        const users = express.Router();
        users.get('/:id', show);
        const orders = express.Router();
        orders.post('/', place);
        Object.assign(module.exports, { users }, { orders });
      `,
    });
    expect(lines(routes)).toEqual(['GET /users/:id src/routers.js', 'POST /orders src/routers.js']);
    expect(warnings).toEqual([]);
  });
});

describe('koa-mount', () => {
  it('adds the mount prefix of a Koa app holding a router', () => {
    const { routes } = collect({
      'src/web.ts': `
        import Koa from 'koa';
        import mount from 'koa-mount';
        import api from './api';
        const app = new Koa();
        app.use(mount('/api', api));
      `,
      'src/api.ts': `
        import Koa from 'koa';
        import Router from 'koa-router';
        const api = new Koa();
        const router = new Router();
        router.post('documents.list', list);
        api.use(router.routes());
        export default api;
      `,
    });
    expect(lines(routes)).toEqual(['POST /api/documents.list src/api.ts']);
  });
});

describe('fastify', () => {
  it('reads shorthand and route() declarations and register() prefixes through plugins', () => {
    const { routes } = collect({
      'src/server.ts': `
        import Fastify from 'fastify';
        import ordersPlugin from './orders';
        const fastify = Fastify({ logger: true });
        fastify.get('/health', async () => ({ ok: true }));
        fastify.route({ method: ['GET', 'HEAD'], url: '/ready', handler });
        fastify.register(ordersPlugin, { prefix: '/api/orders' });
        fastify.register(async (instance) => {
          instance.post('/login', login);
          instance.register(require('./admin'), { prefix: '/admin' });
        }, { prefix: '/auth' });
      `,
      'src/orders.ts': `
        import type { FastifyInstance } from 'fastify';
        export default async function orders(app: FastifyInstance) {
          app.get('/:id', show);
          app.route({ method: 'DELETE', url: '/:id', handler: remove });
        }
      `,
      'src/admin.js': `
        module.exports = async function (f, opts) {
          f.get('/users', list);
        };
      `,
    });
    expect(lines(routes)).toEqual([
      'DELETE /api/orders/:id src/orders.ts',
      'GET /api/orders/:id src/orders.ts',
      'GET /auth/admin/users src/admin.js',
      'GET /health src/server.ts',
      'GET /ready src/server.ts',
      'HEAD /ready src/server.ts',
      'POST /auth/login src/server.ts',
    ]);
    expect(new Set(routes.map((route) => route.framework))).toEqual(new Set(['fastify']));
  });
});

describe('@fastify/autoload', () => {
  it('registers every file under the folder with its folder names as prefix', () => {
    const { routes, warnings } = collect({
      'src/app.ts': `
        import Fastify from 'fastify';
        import AutoLoad from '@fastify/autoload';
        import { join } from 'node:path';
        const app = Fastify();
        app.register(AutoLoad, { dir: join(__dirname, 'routes'), options: { prefix: '/api' }, routeParams: true });
        app.register(require('@fastify/autoload'), { dir: \`\${__dirname}/public\`, dirNameRoutePrefix: false });
        app.register(AutoLoad, { dir: config.routesDir });
      `,
      'src/routes/root.ts': "export default async function (fastify) { fastify.get('/health', ok); }",
      'src/routes/users/index.ts': `
        import type { FastifyPluginAsync } from 'fastify';
        const users: FastifyPluginAsync = async (app) => {
          app.get('/', list);
          app.post('/', create);
        };
        export default users;
      `,
      'src/routes/users/_id/index.ts': "export default async function (f) { f.get('/', show); }",
      'src/routes/users/schema.ts': "export const userSchema = { type: 'object' };",
      'src/public/assets/files.ts': "export default async function (fastify) { fastify.get('/files/:name', file); }",
    });
    expect(lines(routes)).toEqual([
      'GET /api/health src/routes/root.ts',
      'GET /api/users src/routes/users/index.ts',
      'GET /api/users/:id src/routes/users/_id/index.ts',
      'GET /files/:name src/public/assets/files.ts',
      'POST /api/users src/routes/users/index.ts',
    ]);
    expect(warnings.map((warning) => `${warning.code} ${warning.path ?? ''}`)).toEqual(['ROUTE_DYNAMIC_PATH src/app.ts']);
  });
});

describe('hono', () => {
  it('follows basePath, route() mounts and chained handlers', () => {
    const { routes } = collect({
      'src/index.ts': `
        import { Hono } from 'hono';
        import books from './books';
        const app = new Hono().basePath('/api');
        const v1 = app.basePath('/v1');
        app.route('/books', books);
        v1.get('/ping', (c) => c.text('pong'));
        app.on(['PUT', 'PATCH'], '/settings', save);
        export default app;
      `,
      'src/books.ts': `
        import { Hono } from 'hono';
        const books = new Hono();
        books.get('/', list).post('/', create);
        books.get('/:id', show);
        export default books;
      `,
    });
    expect(lines(routes)).toEqual([
      'GET /api/books src/books.ts',
      'GET /api/books/:id src/books.ts',
      'GET /api/v1/ping src/index.ts',
      'PATCH /api/settings src/index.ts',
      'POST /api/books src/books.ts',
      'PUT /api/settings src/index.ts',
    ]);
    expect(routes.every((route) => route.framework === 'hono')).toBe(true);
  });
});
