import { describe, expect, it } from 'vitest';
import { collect, lines } from './__fixtures__/collect-routes.js';

describe('NestJS', () => {
  it('joins the global prefix, controller paths and method paths', () => {
    const { routes } = collect({
      'src/main.ts': `
        import { NestFactory } from '@nestjs/core';
        async function bootstrap() {
          const app = await NestFactory.create(AppModule);
          app.setGlobalPrefix('api');
          await app.listen(3000);
        }
      `,
      'src/orders/orders.controller.ts': `
        import { Controller, Get, Post, Delete, All, Param } from '@nestjs/common';
        @Controller('orders')
        export class OrdersController {
          @Get() list() {}
          @Get(':id') show(@Param('id') id: string) {}
          @Post() create() {}
          @Delete(['/:id', '/:id/remove']) remove() {}
          @All('*') fallback() {}
          helper() {}
        }
      `,
      'src/users/users.controller.ts': `
        import { Controller, Put } from '@nestjs/common';
        @Controller({ path: 'users', version: '1' })
        export class UsersController {
          @Put('me') update() {}
        }
        @Controller()
        export class RootController {
          @Put() root() {}
        }
      `,
    });
    expect(lines(routes)).toEqual([
      'ALL /api/orders/* src/orders/orders.controller.ts',
      'DELETE /api/orders/:id src/orders/orders.controller.ts',
      'DELETE /api/orders/:id/remove src/orders/orders.controller.ts',
      'GET /api/orders src/orders/orders.controller.ts',
      'GET /api/orders/:id src/orders/orders.controller.ts',
      'POST /api/orders src/orders/orders.controller.ts',
      'PUT /api src/users/users.controller.ts',
      'PUT /api/users/me src/users/users.controller.ts',
    ]);
    expect(routes.every((route) => route.framework === 'nestjs')).toBe(true);
  });

  it('puts the URI version after the global prefix and leaves excluded routes unprefixed', () => {
    const { routes, warnings } = collect({
      'src/main.ts': `
        import { RequestMethod, VersioningType } from '@nestjs/common';
        import { NestFactory } from '@nestjs/core';
        const app = await NestFactory.create(AppModule);
        app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
        app.setGlobalPrefix('api', {
          exclude: ['sitemap.xml', { path: 'health', method: RequestMethod.GET }, \`\${dynamic}{/*rest}\`, ...more, 'docs{/*rest}', 'status'],
        });
      `,
      'src/controllers.ts': `
        import { Controller, Get, Post, Version, VERSION_NEUTRAL } from '@nestjs/common';
        @Controller('orders')
        export class OrdersController {
          @Get() list() {}
          @Get(':id') @Version('2') show() {}
          @Post() @Version(['1', '2']) create() {}
        }
        @Controller({ path: 'auth', version: VERSION_NEUTRAL })
        export class AuthController {
          @Get('callback') callback() {}
          @Get('me') @Version('3') me() {}
        }
        @Controller()
        export class SiteController {
          @Get('sitemap.xml') @Version(VERSION_NEUTRAL) sitemap() {}
          @Get('health') @Version(VERSION_NEUTRAL) health() {}
          @Post('health') @Version(VERSION_NEUTRAL) probe() {}
          @Get('docs/api') @Version(VERSION_NEUTRAL) docs() {}
          @Get('status') status() {}
          @Get('x') @Version(someVersion) dynamicVersion() {}
        }
      `,
    });
    expect(lines(routes)).toEqual([
      'GET /api/auth/callback src/controllers.ts',
      'GET /api/v1/orders src/controllers.ts',
      'GET /api/v1/x src/controllers.ts',
      'GET /api/v2/orders/:id src/controllers.ts',
      'GET /api/v3/auth/me src/controllers.ts',
      'GET /docs/api src/controllers.ts',
      'GET /health src/controllers.ts',
      'GET /sitemap.xml src/controllers.ts',
      'GET /v1/status src/controllers.ts',
      'POST /api/health src/controllers.ts',
      'POST /api/v1/orders src/controllers.ts',
      'POST /api/v2/orders src/controllers.ts',
    ]);
    expect(warnings.map((warning) => warning.code)).toEqual(['ROUTE_DYNAMIC_VERSION']);
  });

  it('puts RouterModule paths (children joined to parents) before the controllers of the module that declares them', () => {
    const { routes } = collect({
      'src/main.ts': `
        const app = await NestFactory.create(AppModule);
        app.setGlobalPrefix('api');
        app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      `,
      'src/app.module.ts': `
        import { Module } from '@nestjs/common';
        import { RouterModule } from '@nestjs/core';
        import { AdminModule } from './admin/admin.module';
        import { MetricsModule } from './admin/metrics.module';
        import { ShopModule } from './shop/shop.module';
        @Module({
          imports: [
            AdminModule,
            ShopModule,
            RouterModule.register([
              { path: 'admin', module: AdminModule, children: [{ path: 'metrics', module: MetricsModule }] },
            ]),
          ],
        })
        export class AppModule {}
      `,
      'src/admin/admin.module.ts': `
        import { Module } from '@nestjs/common';
        import { UsersController } from './users.controller';
        @Module({ controllers: [UsersController] })
        export class AdminModule {}
      `,
      'src/admin/metrics.module.ts': `
        import { Module } from '@nestjs/common';
        import { MetricsController } from './metrics.controller';
        @Module({ controllers: [MetricsController] })
        export class MetricsModule {}
      `,
      'src/admin/users.controller.ts': `
        import { Controller, Get } from '@nestjs/common';
        @Controller('users')
        export class UsersController { @Get(':id') show() {} }
      `,
      'src/admin/metrics.controller.ts': `
        import { Controller, Get } from '@nestjs/common';
        @Controller()
        export class MetricsController { @Get() all() {} }
      `,
      'src/shop/shop.module.ts': `
        import { Module } from '@nestjs/common';
        import { ProductsController } from './products.controller';
        @Module({ controllers: [ProductsController] })
        export class ShopModule {}
      `,
      'src/shop/products.controller.ts': `
        import { Controller, Get } from '@nestjs/common';
        @Controller('products')
        export class ProductsController { @Get() list() {} }
      `,
    });
    expect(lines(routes)).toEqual([
      'GET /api/v1/admin/metrics src/admin/metrics.controller.ts',
      'GET /api/v1/admin/users/:id src/admin/users.controller.ts',
      'GET /api/v1/products src/shop/products.controller.ts',
    ]);
  });

  it('lists the GraphQL endpoint of GraphQLModule, with the global prefix only when asked', () => {
    const sync = collect({
      'src/app.module.ts': `
        import { GraphQLModule } from '@nestjs/graphql';
        @Module({ imports: [GraphQLModule.forRoot({ autoSchemaFile: true })] })
        export class AppModule {}
      `,
      'src/main.ts': "app.setGlobalPrefix('api');",
    });
    expect(lines(sync.routes)).toEqual(['GET /graphql src/app.module.ts', 'POST /graphql src/app.module.ts']);
    const factory = collect({
      'src/app.module.ts': `
        import { GraphQLModule } from '@nestjs/graphql';
        export const gql = GraphQLModule.forRootAsync({
          useFactory: async (config) => ({
            subscriptions: { 'graphql-ws': { path: '/subscriptions' } },
            path: '/gql',
            useGlobalPrefix: true,
          }),
        });
      `,
      'src/main.ts': "app.setGlobalPrefix('api');",
    });
    expect(lines(factory.routes)).toEqual(['GET /api/gql src/app.module.ts', 'POST /api/gql src/app.module.ts']);
  });

  it('adds no version segment without URI versioning, a custom prefix with it, and warns about a global prefix read at run time', () => {
    const controller = `
      import { Controller, Get } from '@nestjs/common';
      @Controller({ path: 'items', version: '1' })
      export class ItemsController { @Get() list() {} }
      @Controller('plain')
      export class PlainController { @Get() list() {} }
    `;
    const header = collect({
      'src/main.ts': "app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' });",
      'src/items.controller.ts': controller,
    });
    expect(lines(header.routes)).toEqual(['GET /items src/items.controller.ts', 'GET /plain src/items.controller.ts']);
    const custom = collect({
      'src/main.ts': "app.enableVersioning({ type: VersioningType.URI, prefix: 'version-' }); app.setGlobalPrefix(config.get('prefix'));",
      'src/items.controller.ts': controller,
    });
    expect(lines(custom.routes)).toEqual(['GET /plain src/items.controller.ts', 'GET /version-1/items src/items.controller.ts']);
    expect(custom.warnings.map((warning) => `${warning.code} ${warning.path ?? ''}`)).toEqual(['ROUTE_DYNAMIC_PREFIX src/main.ts']);
  });
});
