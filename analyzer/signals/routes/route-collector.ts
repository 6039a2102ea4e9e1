/**
 * HTTP entry points: express, koa-router, fastify, NestJS and hono routes, with router
 * prefixes joined across files (mounts, factories, plugins, re-exports), and the routes
 * Next.js, Nuxt (Nitro) and SvelteKit files declare by where they are.
 */
import type { HttpRoute, Warning } from '../../model.js';
import type { CollectorContext, FileCollector, ParsedFile } from '../collector.js';
import { nextjsRoutes } from './nextjs-routes.js';
import { serverFileRoutes } from './server-file-routes.js';
import { emptyRouteFacts } from './route-facts.js';
import { buildRoutes, compareRoutes } from './route-graph.js';
import { ROUTE_HINT, RouteFileVisitor } from './route-visitor.js';

export interface RouteCollector extends FileCollector {
  routes(): HttpRoute[];
  warnings(): Warning[];
}

/** Cheap test for files that may re-export something (barrels). */
const EXPORT_HINT = /\bexport\b[^;\n]*\bfrom\b|\bexport\s*=|\bexport\s+(?:default|\{)|module\.exports/;

export function createRouteCollector(): RouteCollector {
  let facts = emptyRouteFacts();
  let routes: HttpRoute[] = [];
  let byConvention: HttpRoute[] = [];
  let warnings: Warning[] = [];
  return {
    visit(file: ParsedFile): void {
      byConvention.push(...nextjsRoutes(file.path, file.sourceFile), ...serverFileRoutes(file.path, file.sourceFile));
      if (ROUTE_HINT.test(file.text)) new RouteFileVisitor(file.path, facts).visitFull(file.sourceFile);
      else if (EXPORT_HINT.test(file.text)) new RouteFileVisitor(file.path, facts).visitExportsOnly(file.sourceFile);
    },
    finish(context: CollectorContext): void {
      const result = buildRoutes(facts, context);
      routes = [...result.routes, ...byConvention].sort(compareRoutes);
      warnings = result.warnings;
      facts = emptyRouteFacts();
      byConvention = [];
    },
    routes: () => routes,
    warnings: () => warnings,
  };
}
