/**
 * Recognises expressions that create a router or app (`express()`, `Router()`,
 * `express.Router()`, `new Router({ prefix })`, `Fastify()`, `new Hono()`,
 * `new Hono().basePath('/api')`) and type annotations that name one (`Router`, `Express`,
 * `FastifyInstance`, `Hono`). The package a name is imported from decides the framework;
 * well-known names decide it when the import cannot be seen.
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, requiredSpecifier, skipOuter } from '../ast/declarations.js';
import { objectProperty, staticString } from '../ast/literals.js';
import type { Framework } from './route-facts.js';

export interface CreatedRouter {
  framework: Framework;
  prefix: string;
  /** A router made to be mounted (`express.Router()`, `new KoaRouter()`), not an app that listens. */
  mountable?: boolean;
}

/** Import forms that bind a package's callable main export. */
const CALLABLE_EXPORTS = new Set(['default', 'export=', '*']);
const KOA_ROUTER_PACKAGES = new Set(['koa-router', '@koa/router']);
/** Drop-in express routers whose default export is called like `express.Router()` (promise-aware handlers). */
const EXPRESS_ROUTER_PACKAGES = new Set(['express-promise-router']);

/** The framework a package specifier belongs to. */
export function frameworkOfPackage(specifier: string): Framework | undefined {
  if (specifier === 'express' || EXPRESS_ROUTER_PACKAGES.has(specifier)) return 'express';
  if (specifier === 'fastify') return 'fastify';
  if (specifier === 'koa' || KOA_ROUTER_PACKAGES.has(specifier)) return 'koa';
  if (specifier === 'hono' || specifier.startsWith('hono/')) return 'hono';
  if (specifier.startsWith('@nestjs/')) return 'nestjs';
  return undefined;
}

interface NameOrigin {
  name: string;
  specifier: string | undefined;
  imported: string | undefined;
}

function originOfName(node: ts.Expression): NameOrigin | undefined {
  const expression = skipOuter(node);
  const required = requiredSpecifier(expression);
  if (required !== undefined) return { name: '', specifier: required, imported: 'export=' };
  if (!ts.isIdentifier(expression)) return undefined;
  const declaration = declarationOf(expression.text, expression);
  const origin = declaration ? importOriginOf(declaration) : undefined;
  return { name: expression.text, specifier: origin?.specifier, imported: origin?.name };
}

function fromCall(call: ts.CallExpression): CreatedRouter | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    if (callee.name.text === 'Router') {
      const owner = originOfName(callee.expression);
      if (owner && (owner.specifier === 'express' || (owner.specifier === undefined && owner.name === 'express'))) {
        return { framework: 'express', prefix: '', mountable: true };
      }
      return undefined;
    }
    if (callee.name.text === 'basePath') {
      const base = routerCreation(callee.expression);
      const prefix = call.arguments[0] ? staticString(call.arguments[0]) : undefined;
      return base && prefix !== undefined ? { framework: base.framework, prefix: base.prefix + '/' + prefix } : undefined;
    }
    return undefined;
  }
  const origin = originOfName(callee);
  if (!origin) return undefined;
  if (origin.specifier !== undefined) {
    const framework = frameworkOfPackage(origin.specifier);
    const imported = origin.imported ?? '';
    if (framework === 'express' && CALLABLE_EXPORTS.has(imported))
      return { framework, prefix: '', mountable: origin.specifier !== 'express' };
    if (framework === 'express' && imported === 'Router') return { framework, prefix: '', mountable: true };
    if (framework === 'fastify' && (CALLABLE_EXPORTS.has(imported) || imported === 'fastify')) return { framework, prefix: '' };
    return undefined;
  }
  if (origin.name === 'express' || origin.name === 'Router')
    return { framework: 'express', prefix: '', mountable: origin.name === 'Router' };
  if (origin.name === 'fastify' || origin.name === 'Fastify') return { framework: 'fastify', prefix: '' };
  return undefined;
}

function fromNew(expression: ts.NewExpression): CreatedRouter | undefined {
  const origin = originOfName(expression.expression);
  if (!origin) return undefined;
  const framework = origin.specifier !== undefined ? frameworkOfPackage(origin.specifier) : undefined;
  const byName = origin.name === 'Hono' ? 'hono' : /^(Koa)?Router$|^Koa$/.test(origin.name) ? 'koa' : undefined;
  const resolved = framework ?? (origin.specifier === undefined ? byName : undefined);
  if (resolved === 'koa') {
    const options = expression.arguments?.[0];
    const prefix = options ? objectProperty(options, 'prefix') : undefined;
    const koaApp = origin.specifier === 'koa' || (origin.specifier === undefined && origin.name === 'Koa');
    return { framework: 'koa', prefix: prefix ? (staticString(prefix) ?? '') : '', mountable: !koaApp };
  }
  if (resolved === 'hono') return { framework: 'hono', prefix: '' };
  if (resolved === 'express' && origin.imported === 'Router') return { framework: 'express', prefix: '', mountable: true };
  return undefined;
}

/** The router or app an expression creates, if it creates one. */
export function routerCreation(node: ts.Expression): CreatedRouter | undefined {
  const expression = skipOuter(node);
  if (ts.isCallExpression(expression)) return fromCall(expression);
  if (ts.isNewExpression(expression)) return fromNew(expression);
  return undefined;
}

const TYPE_FRAMEWORKS: Record<string, Framework> = {
  Router: 'express',
  IRouter: 'express',
  Express: 'express',
  Application: 'express',
  FastifyInstance: 'fastify',
  Hono: 'hono',
  KoaRouter: 'koa',
};

/** The framework of a router type annotation (`Router`, `express.Router`, `FastifyInstance`…). */
export function routerType(type: ts.TypeNode | undefined): Framework | undefined {
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  const typeName = type.typeName;
  const last = ts.isIdentifier(typeName) ? typeName : typeName.right;
  const framework = TYPE_FRAMEWORKS[last.text];
  if (!framework) return undefined;
  const first = ts.isIdentifier(typeName) ? typeName : typeName.left;
  if (ts.isIdentifier(first)) {
    const declaration = declarationOf(first.text, type);
    const origin = declaration ? importOriginOf(declaration) : undefined;
    const imported = origin ? frameworkOfPackage(origin.specifier) : undefined;
    if (origin && !imported) return undefined;
    if (imported) return imported === 'nestjs' ? undefined : imported;
  }
  return framework;
}
