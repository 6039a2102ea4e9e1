/**
 * NestJS controllers: `@Controller('orders')` / `@Controller({ path, version })` on the class
 * and `@Get(':id')`, `@Post()`, `@Version('2')`… on its methods. The global prefix
 * (`app.setGlobalPrefix`) and URI versioning are applied when all files have been seen.
 * routing-controllers' `@JsonController` reads the same way.
 */
import ts from 'typescript';
import { skipOuter } from '../ast/declarations.js';
import { objectProperty, staticString, staticStrings } from '../ast/literals.js';
import type { Warning } from '../../model.js';
import type { NestVersion } from './nest-paths.js';
import type { NestRouteFact } from './route-facts.js';
import { nodeId } from './value-refs.js';

const METHOD_DECORATORS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  Options: 'OPTIONS',
  Head: 'HEAD',
  All: 'ALL',
  Search: 'SEARCH',
};

export interface DecoratorCall {
  name: string;
  args: readonly ts.Expression[];
}

export function decoratorCalls(node: ts.Node): DecoratorCall[] {
  if (!ts.canHaveDecorators(node)) return [];
  const calls: DecoratorCall[] = [];
  for (const decorator of ts.getDecorators(node) ?? []) {
    const expression = skipOuter(decorator.expression);
    if (!ts.isCallExpression(expression)) continue;
    const callee = expression.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name !== undefined) calls.push({ name, args: expression.arguments });
  }
  return calls;
}

/** Paths of a decorator argument: none → [''], a string or array of strings, or `{ path }`. */
function decoratorPaths(args: readonly ts.Expression[], allowOptions: boolean): string[] | undefined {
  const first = args[0];
  if (!first) return [''];
  const direct = staticStrings(first);
  if (direct) return direct;
  if (allowOptions && ts.isObjectLiteralExpression(skipOuter(first))) {
    const path = objectProperty(first, 'path');
    return path ? staticStrings(path) : [''];
  }
  return undefined;
}

const isNeutral = (node: ts.Expression): boolean => {
  const expression = skipOuter(node);
  const name = ts.isIdentifier(expression) ? expression.text : ts.isPropertyAccessExpression(expression) ? expression.name.text : '';
  return name === 'VERSION_NEUTRAL';
};

/** A version value: `'2'`, `VERSION_NEUTRAL`, or an array of those; undefined when not static. */
export function nestVersions(node: ts.Expression): NestVersion[] | undefined {
  const expression = skipOuter(node);
  const elements = ts.isArrayLiteralExpression(expression) ? [...expression.elements] : [expression];
  const versions: NestVersion[] = [];
  for (const element of elements) {
    if (isNeutral(element)) {
      versions.push(null);
      continue;
    }
    const value = staticString(element);
    if (value === undefined) return undefined;
    versions.push(value);
  }
  return versions;
}

/** The routes a controller class declares. */
export function nestRoutesOf(node: ts.ClassLikeDeclaration, file: string, warnings: Warning[]): NestRouteFact[] {
  const controller = decoratorCalls(node).find((call) => call.name === 'Controller' || call.name === 'JsonController');
  if (!controller) return [];
  const framework = controller.name === 'Controller' ? 'nestjs' : 'unknown';
  const controllerPaths = decoratorPaths(controller.args, true);
  const className = node.name?.text ?? 'default';
  const versionOf = (version: ts.Expression | undefined, owner: string): NestVersion[] | undefined => {
    if (!version) return undefined;
    const versions = nestVersions(version);
    if (!versions)
      warnings.push({
        code: 'ROUTE_DYNAMIC_VERSION',
        path: file,
        message: `${file}: the version of ${owner} is not a literal; its routes are listed with the default version.`,
      });
    return versions;
  };
  const controllerOptions = controller.args[0];
  const controllerVersions =
    controllerOptions && ts.isObjectLiteralExpression(skipOuter(controllerOptions))
      ? versionOf(objectProperty(controllerOptions, 'version'), className)
      : undefined;
  if (!controllerPaths) {
    warnings.push({
      code: 'ROUTE_DYNAMIC_PATH',
      path: file,
      message: `${file}: the path of controller ${className} is not a literal; its routes are left out.`,
    });
    return [];
  }
  const facts: NestRouteFact[] = [];
  for (const member of node.members) {
    if (!ts.isMethodDeclaration(member)) continue;
    const calls = decoratorCalls(member);
    const versionCall = calls.find((call) => call.name === 'Version');
    const versions = versionCall ? versionOf(versionCall.args[0], `${className}.${member.name.getText()}`) : undefined;
    for (const call of calls) {
      const method = METHOD_DECORATORS[call.name];
      if (method === undefined) continue;
      const paths = decoratorPaths(call.args, false);
      if (!paths) {
        const name = member.name.getText();
        warnings.push({
          code: 'ROUTE_DYNAMIC_PATH',
          path: file,
          message: `${file}: the path of ${className}.${name} is not a literal; route left out.`,
        });
        continue;
      }
      facts.push({
        file,
        method,
        controllerPaths,
        paths,
        versions: versions ?? controllerVersions,
        framework,
        controller: nodeId(file, node),
      });
    }
  }
  return facts;
}
