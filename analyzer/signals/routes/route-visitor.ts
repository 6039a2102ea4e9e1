/**
 * One walk over a file that records route registrations (`x.get('/p', …)`,
 * `.route('/p').get(…)`, `fastify.route({ method, url })`, hono `on`), mounts (`use`,
 * `register`, hono `route`), koa `prefix()`, Nest controllers and `setGlobalPrefix`, plus
 * calls that pass routers to functions. Receivers stay symbolic (`ValueRef`): whether one
 * is a router is decided in `finish`, when imports can be followed.
 */
import ts from 'typescript';
import { declarationOf, importOriginOf, skipOuter } from '../ast/declarations.js';
import { objectProperty, staticString, staticStrings } from '../ast/literals.js';
import { collectExports } from './module-exports.js';
import { autoloadFact, isAutoloadPlugin } from './fastify-autoload.js';
import { globalPrefixExcludes, uriVersioning } from './nest-app-calls.js';
import { graphqlEndpoint, isRouterModuleRegister, nestModuleOf, routerModulePaths } from './nest-modules.js';
import { nestRoutesOf } from './nest-routes.js';
import { ROUTERISH_PARAM, type PathSpec, type RouteFacts, type ValueRef } from './route-facts.js';
import { routerCreation, routerType } from './router-creation.js';
import { fileFramework, ValueRefs } from './value-refs.js';

export const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'options', 'head', 'all']);

/** A file can register or mount routes only if it mentions one of these. */
export const ROUTE_HINT =
  /\b(?:express|Router|fastify|Fastify|koa|Koa|Hono|hono|setGlobalPrefix|enableVersioning|RouterModule|GraphQLModule)\b|@(?:Json)?Controller\b|@Module\b|\.(?:get|post|put|patch|delete|del|options|head|all|route|on|use|register)\s*\(\s*['"`[{/]/;

interface Receiver {
  ref: ValueRef;
  /** Set when the receiver is `x.route('/p')`: the paths of that route. */
  subPaths?: PathSpec[] | undefined;
}

function pathSpecs(node: ts.Expression): PathSpec[] | undefined {
  const expression = skipOuter(node);
  if (ts.isRegularExpressionLiteral(expression)) return [{ value: expression.text, regex: true }];
  if (ts.isArrayLiteralExpression(expression)) {
    const specs: PathSpec[] = [];
    for (const element of expression.elements) {
      const spec = pathSpecs(element);
      if (!spec) return undefined;
      specs.push(...spec);
    }
    return specs;
  }
  return staticStrings(expression)?.map((value) => ({ value, regex: false }));
}

/** koa-mount: `mount('/api', api)` or `mount(api)`. */
function koaMount(node: ts.Expression): { prefix?: string; app: ts.Expression } | undefined {
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression)) return undefined;
  const declaration = declarationOf(node.expression.text, node.expression);
  const origin = declaration ? importOriginOf(declaration) : undefined;
  if (origin ? origin.specifier !== 'koa-mount' : node.expression.text !== 'mount') return undefined;
  const [first, second] = node.arguments;
  if (first && second) {
    const prefix = staticString(first);
    return prefix === undefined ? undefined : { prefix, app: second };
  }
  return first ? { app: first } : undefined;
}

/** What can stand for a route path: literals, arrays, regexes, names and `+` of those. */
function isPathLike(node: ts.Expression): boolean {
  const expression = skipOuter(node);
  return (
    ts.isStringLiteralLike(expression) ||
    ts.isTemplateExpression(expression) ||
    ts.isRegularExpressionLiteral(expression) ||
    ts.isArrayLiteralExpression(expression) ||
    ts.isIdentifier(expression) ||
    ts.isPropertyAccessExpression(expression) ||
    (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken)
  );
}

/** True when the receiver is `x.route('/p')`, possibly followed by other methods of that route. */
function isRouteChain(node: ts.Expression): boolean {
  const expression = skipOuter(node);
  if (!ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression)) return false;
  const name = expression.expression.name.text;
  if (name === 'route' && expression.arguments.length === 1) return true;
  return HTTP_METHODS.has(name) && isRouteChain(expression.expression.expression);
}

export class RouteFileVisitor {
  private readonly refs: ValueRefs;

  constructor(
    private readonly file: string,
    private readonly facts: RouteFacts,
  ) {
    this.refs = new ValueRefs(file, facts.values, facts.mounts);
  }

  /** Everything about a file that mentions a web framework. */
  visitFull(sourceFile: ts.SourceFile): void {
    const framework = fileFramework(sourceFile);
    if (framework) this.facts.fileFrameworks.set(this.file, framework);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) this.visitCall(node);
      else if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
        this.facts.nest.push(...nestRoutesOf(node, this.file, this.facts.warnings));
        const module = nestModuleOf(node, this.file, this.refs);
        if (module) this.facts.nestModules.push(module);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    this.facts.exports.set(this.file, collectExports(sourceFile, this.file, this.refs, true));
  }

  /** Only the re-exports, for files that cannot hold routes themselves (barrels). */
  visitExportsOnly(sourceFile: ts.SourceFile): void {
    const exports = collectExports(sourceFile, this.file, this.refs, false);
    if (exports.names.size > 0 || exports.stars.length > 0) this.facts.exports.set(this.file, exports);
  }

  private visitCall(call: ts.CallExpression): void {
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) {
      if (ts.isIdentifier(callee)) this.recordArguments(call);
      return;
    }
    const name = callee.name.text;
    const args = call.arguments;
    if (HTTP_METHODS.has(name)) this.route(call, callee, [name === 'del' ? 'DELETE' : name.toUpperCase()]);
    else if (name === 'on' && args.length >= 3) this.honoOn(callee, args);
    else if (name === 'route') this.routeMethod(callee, args);
    else if (name === 'use') this.use(callee, args);
    else if (name === 'register' && args[0] && isRouterModuleRegister(callee))
      this.facts.nestModulePaths.push(...routerModulePaths(args[0], this.refs));
    else if (name === 'register' && args.length >= 3 && args[1] && staticStrings(args[1])) this.koaRegister(callee, args);
    else if (name === 'register' && args[0]) this.register(callee, args[0], args[1]);
    else if (name === 'prefix' && args.length === 1 && args[0]) this.prefix(callee, args[0]);
    else if (name === 'setGlobalPrefix' && args[0]) {
      const prefix = staticString(args[0]);
      if (prefix !== undefined) this.facts.globalPrefixes.push(prefix);
      else
        this.facts.warnings.push({
          code: 'ROUTE_DYNAMIC_PREFIX',
          path: this.file,
          message: `${this.file}: the Nest global prefix ${args[0].getText()} is not a literal; controller routes are listed without it.`,
        });
      this.facts.globalExcludes.push(...globalPrefixExcludes(args[1]));
    } else if (name === 'forRoot' || name === 'forRootAsync') {
      const endpoint = graphqlEndpoint(callee, args);
      if (endpoint) this.facts.graphql.push({ file: this.file, ...endpoint });
    } else if (name === 'enableVersioning') {
      const versioning = uriVersioning(args[0]);
      if (versioning) this.facts.nestVersioning.push(versioning);
    }
  }

  private receiverOf(node: ts.Expression): Receiver | undefined {
    const expression = skipOuter(node);
    if (ts.isCallExpression(expression)) {
      const callee = skipOuter(expression.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        const name = callee.name.text;
        const first = expression.arguments[0];
        if (name === 'route' && expression.arguments.length === 1 && first) {
          const inner = this.receiverOf(callee.expression);
          return inner && { ref: inner.ref, subPaths: pathSpecs(first) ?? [] };
        }
        if (HTTP_METHODS.has(name) || name === 'use') return this.receiverOf(callee.expression);
      }
    }
    const ref = this.refs.refOf(expression);
    return ref && { ref };
  }

  private route(call: ts.CallExpression, callee: ts.PropertyAccessExpression, methods: string[]): void {
    const args = call.arguments;
    const [first, second] = args;
    // Cheap checks before the receiver is followed: a route needs a path and a handler (`app.get('env')` reads a setting).
    if (!isRouteChain(callee.expression) && (!first || !second || !isPathLike(first))) return;
    const receiver = this.receiverOf(callee.expression);
    if (!receiver) return;
    if (receiver.subPaths) {
      this.facts.routes.push({ file: this.file, receiver: receiver.ref, methods, paths: receiver.subPaths, pathText: '' });
      return;
    }
    if (!first || !second) return;
    // koa-router's named routes: router.get('name', '/path', handler).
    const named = args.length >= 3 && staticString(first) !== undefined && staticString(second) !== undefined;
    const pathArg = named ? second : first;
    this.facts.routes.push({ file: this.file, receiver: receiver.ref, methods, paths: pathSpecs(pathArg), pathText: pathArg.getText() });
  }

  /** hono: app.on('GET' | ['GET', 'POST'], '/path', handler). */
  private honoOn(callee: ts.PropertyAccessExpression, args: ts.NodeArray<ts.Expression>): void {
    const [methodArg, pathArg] = args;
    this.methodListRoute(callee, methodArg, pathArg);
  }

  /** A route whose methods are given as a string or a list of strings beside its path. */
  private methodListRoute(
    callee: ts.PropertyAccessExpression,
    methodArg: ts.Expression | undefined,
    pathArg: ts.Expression | undefined,
  ): void {
    const methods = methodArg ? staticStrings(methodArg) : undefined;
    const receiver = this.receiverOf(callee.expression);
    if (!methods || !pathArg || !receiver) return;
    this.facts.routes.push({
      file: this.file,
      receiver: receiver.ref,
      methods: methods.map((method) => method.toUpperCase()),
      paths: pathSpecs(pathArg),
      pathText: pathArg.getText(),
    });
  }

  /** fastify.route({ method, url }) or hono app.route('/prefix', subApp); express's route('/p') is read as a receiver. */
  private routeMethod(callee: ts.PropertyAccessExpression, args: ts.NodeArray<ts.Expression>): void {
    const [first, second] = args;
    if (!first) return;
    const receiver = this.receiverOf(callee.expression);
    if (!receiver) return;
    if (args.length === 1 && ts.isObjectLiteralExpression(skipOuter(first))) {
      const methodNode = objectProperty(first, 'method');
      const urlNode = objectProperty(first, 'url') ?? objectProperty(first, 'path');
      const methods = methodNode ? staticStrings(methodNode) : undefined;
      if (!methods || !urlNode) return;
      this.facts.routes.push({
        file: this.file,
        receiver: receiver.ref,
        methods: methods.map((method) => method.toUpperCase()),
        paths: pathSpecs(urlNode),
        pathText: urlNode.getText(),
      });
      return;
    }
    if (args.length === 2 && second) {
      const prefixes = pathSpecs(first);
      const child = this.refs.refOf(second);
      if (prefixes && child) this.facts.mounts.push({ file: this.file, parent: receiver.ref, prefixes, child, kind: 'route' });
    }
  }

  /** app.use([prefix,] ...middlewareOrRouters). */
  private use(callee: ts.PropertyAccessExpression, args: ts.NodeArray<ts.Expression>): void {
    const receiver = this.receiverOf(callee.expression);
    const first = args[0];
    if (!receiver || !first) return;
    const prefixSpecs = pathSpecs(first);
    const prefixes = prefixSpecs ?? [{ value: '', regex: false }];
    for (const arg of prefixSpecs ? args.slice(1) : args) {
      const inner = skipOuter(arg);
      if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) continue;
      const mounted = koaMount(inner);
      const child = this.refs.refOf(mounted?.app ?? arg);
      const childPrefixes =
        mounted?.prefix === undefined
          ? prefixes
          : prefixes.map((prefix) => ({ value: `${prefix.value}/${mounted.prefix ?? ''}`, regex: prefix.regex }));
      if (child)
        this.facts.mounts.push({
          file: this.file,
          parent: receiver.ref,
          prefixes: childPrefixes,
          child,
          kind: 'use',
          parentText: callee.expression.getText(),
        });
    }
  }

  /** fastify.register(plugin, { prefix }). */
  private register(callee: ts.PropertyAccessExpression, plugin: ts.Expression, options: ts.Expression | undefined): void {
    const receiver = this.receiverOf(callee.expression);
    if (receiver && isAutoloadPlugin(plugin)) {
      const fact = autoloadFact(this.file, receiver.ref, options);
      if (fact) this.facts.autoloads.push(fact);
      else
        this.facts.warnings.push({
          code: 'ROUTE_DYNAMIC_PATH',
          path: this.file,
          message: `${this.file}: the folder of this @fastify/autoload registration is not a literal next to __dirname; the routes it loads are listed without their folder prefix.`,
        });
      return;
    }
    const child = this.refs.refOf(plugin);
    if (!receiver || !child) return;
    const prefixNode = options ? objectProperty(options, 'prefix') : undefined;
    const prefix = prefixNode ? (staticString(prefixNode) ?? '') : '';
    this.facts.mounts.push({ file: this.file, parent: receiver.ref, prefixes: [{ value: prefix, regex: false }], child, kind: 'register' });
  }

  /** koa-router: router.register('/path', ['get', 'post'], handler). */
  private koaRegister(callee: ts.PropertyAccessExpression, args: ts.NodeArray<ts.Expression>): void {
    const [pathArg, methodArg] = args;
    this.methodListRoute(callee, methodArg, pathArg);
  }

  /** koa-router: router.prefix('/v1'). */
  private prefix(callee: ts.PropertyAccessExpression, arg: ts.Expression): void {
    const prefix = staticString(arg);
    const target = this.refs.refOf(callee.expression);
    if (prefix !== undefined && target) this.facts.prefixes.push({ target, prefix });
  }

  /** `f(router)`: remember arguments that are local routers (or router-like parameters), to bind `f`'s parameters later. */
  private recordArguments(call: ts.CallExpression): void {
    let any = false;
    const args = call.arguments.map((arg) => {
      const expression = skipOuter(arg);
      if (!ts.isIdentifier(expression)) return undefined;
      const declaration = declarationOf(expression.text, expression);
      if (!declaration || !(ts.isVariableDeclaration(declaration) || ts.isParameter(declaration))) return undefined;
      // Cheap syntactic test first: a router creation, a router type, or a router-like parameter name.
      const routerLike = ts.isVariableDeclaration(declaration)
        ? routerType(declaration.type) !== undefined ||
          (declaration.initializer !== undefined && routerCreation(declaration.initializer) !== undefined)
        : routerType(declaration.type) !== undefined || (ts.isIdentifier(declaration.name) && ROUTERISH_PARAM.test(declaration.name.text));
      const ref = routerLike ? this.refs.refOfDeclaration(declaration) : undefined;
      any ||= routerLike;
      return ref;
    });
    if (!any) return;
    const callee = this.refs.refOf(call.expression);
    if (callee) this.facts.calls.push({ callee, args });
  }
}
