/**
 * NestJS module paths: `RouterModule.register([{ path: 'admin', module: AdminModule,
 * children: [{ path: 'metrics', module: MetricsModule }] }])` puts `/admin` (and
 * `/admin/metrics`) before the paths of the controllers that module declares in
 * `@Module({ controllers: [...] })`. Modules are referenced symbolically and resolved when
 * every file has been seen. See https://docs.nestjs.com/recipes/router-module
 */
import ts from 'typescript';
import { skipOuter } from '../ast/declarations.js';
import { constantExpression, objectProperty, staticString } from '../ast/literals.js';
import { decoratorCalls } from './nest-routes.js';
import type { NestModuleFact, NestModulePathFact, ValueRef } from './route-facts.js';
import { joinPaths } from './route-paths.js';
import { nodeId, type ValueRefs } from './value-refs.js';

const MAX_DEPTH = 8;

/** The controllers a `@Module` class declares, if it is one. */
export function nestModuleOf(node: ts.ClassLikeDeclaration, file: string, refs: ValueRefs): NestModuleFact | undefined {
  const decorator = decoratorCalls(node).find((call) => call.name === 'Module');
  const options = decorator?.args[0];
  if (!options) return undefined;
  const list = objectProperty(options, 'controllers');
  const array = list ? (constantExpression(list) ?? skipOuter(list)) : undefined;
  if (!array || !ts.isArrayLiteralExpression(array)) return undefined;
  const controllers = array.elements.map((element) => refs.refOf(element)).filter((ref) => ref !== undefined);
  return controllers.length > 0 ? { module: nodeId(file, node), controllers } : undefined;
}

const GRAPHQL_DEFAULT_PATH = '/graphql';
const MAX_OPTION_DEPTH = 10;

/** The shallowest `name: value` property in an options tree (`useFactory: () => ({ path })` included). */
function deepOption(root: ts.Node, name: string): ts.Expression | undefined {
  let level: ts.Node[] = [root];
  for (let depth = 0; depth <= MAX_OPTION_DEPTH && level.length > 0; depth++) {
    const next: ts.Node[] = [];
    for (const node of level) {
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === name) return node.initializer;
      ts.forEachChild(node, (child) => {
        next.push(child);
      });
    }
    level = next;
  }
  return undefined;
}

/**
 * `GraphQLModule.forRoot(options)` / `forRootAsync({ useFactory })`: the one HTTP endpoint of
 * a Nest GraphQL API (`path`, default `/graphql`; the global prefix only with
 * `useGlobalPrefix: true`). See https://docs.nestjs.com/graphql/quick-start
 */
export function graphqlEndpoint(
  callee: ts.PropertyAccessExpression,
  args: readonly ts.Expression[],
): { path: string; globalPrefix: boolean } | undefined {
  const owner = skipOuter(callee.expression);
  if (!ts.isIdentifier(owner) || owner.text !== 'GraphQLModule' || !/^forRoot(?:Async)?$/.test(callee.name.text)) return undefined;
  const options = args[0];
  const pathNode = options ? deepOption(options, 'path') : undefined;
  const path = pathNode ? staticString(pathNode) : GRAPHQL_DEFAULT_PATH;
  const prefixNode = options ? deepOption(options, 'useGlobalPrefix') : undefined;
  return { path: path ?? GRAPHQL_DEFAULT_PATH, globalPrefix: prefixNode?.kind === ts.SyntaxKind.TrueKeyword };
}

/** True for `RouterModule.register(…)`. */
export function isRouterModuleRegister(callee: ts.PropertyAccessExpression): boolean {
  const owner = skipOuter(callee.expression);
  return callee.name.text === 'register' && ts.isIdentifier(owner) && owner.text === 'RouterModule';
}

/** The module paths of a `RouterModule.register(routes)` argument (entries that are not static are skipped). */
export function routerModulePaths(routes: ts.Expression, refs: ValueRefs, parent = '', depth = 0): NestModulePathFact[] {
  const array = constantExpression(routes) ?? skipOuter(routes);
  if (depth > MAX_DEPTH || !ts.isArrayLiteralExpression(array)) return [];
  const found: NestModulePathFact[] = [];
  for (const element of array.elements) {
    const entry = skipOuter(element);
    if (!ts.isObjectLiteralExpression(entry)) {
      // A bare module among `children` inherits its parent's path.
      const module = refs.refOf(entry);
      if (module && parent !== '') found.push({ module, path: parent });
      continue;
    }
    const pathNode = objectProperty(entry, 'path');
    const path = pathNode ? staticString(pathNode) : '';
    if (path === undefined) continue;
    const full = joinPaths(parent, path);
    const moduleNode = objectProperty(entry, 'module');
    const module: ValueRef | undefined = moduleNode ? refs.refOf(moduleNode) : undefined;
    if (module) found.push({ module, path: full });
    const children = objectProperty(entry, 'children');
    if (children) found.push(...routerModulePaths(children, refs, full, depth + 1));
  }
  return found;
}
