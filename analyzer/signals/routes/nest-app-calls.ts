/**
 * The Nest application calls that change every controller's paths:
 * `app.setGlobalPrefix('api', { exclude: ['health', { path: 'sitemap.xml', method: RequestMethod.GET }] })`
 * and `app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1', prefix: 'v' })`.
 * Entries that are not static (spreads, calls) are skipped.
 * See https://docs.nestjs.com/techniques/versioning#uri-versioning-type
 */
import ts from 'typescript';
import { skipOuter } from '../ast/declarations.js';
import { constantExpression, objectProperty, staticString } from '../ast/literals.js';
import { excludePattern, type NestExclude, type NestVersioning } from './nest-paths.js';
import { nestVersions } from './nest-routes.js';

/** `RequestMethod.GET` → 'GET'; `RequestMethod.ALL` or anything else → every method. */
function requestMethod(node: ts.Expression | undefined): string | undefined {
  const expression = node ? skipOuter(node) : undefined;
  if (!expression || !ts.isPropertyAccessExpression(expression)) return undefined;
  const name = expression.name.text.toUpperCase();
  return name === 'ALL' ? undefined : name;
}

/** The static entries of `setGlobalPrefix`'s `exclude` option. */
export function globalPrefixExcludes(options: ts.Expression | undefined): NestExclude[] {
  const list = options ? objectProperty(options, 'exclude') : undefined;
  const array = list ? (constantExpression(list) ?? skipOuter(list)) : undefined;
  if (!array || !ts.isArrayLiteralExpression(array)) return [];
  const excludes: NestExclude[] = [];
  for (const element of array.elements) {
    const inner = skipOuter(element);
    const isObject = ts.isObjectLiteralExpression(inner);
    const pathNode = isObject ? objectProperty(inner, 'path') : inner;
    const path = pathNode ? staticString(pathNode) : undefined;
    const pattern = path === undefined ? undefined : excludePattern(path);
    if (pattern) excludes.push({ pattern, method: isObject ? requestMethod(objectProperty(inner, 'method')) : undefined });
  }
  return excludes;
}

/** `VersioningType.URI` (or its enum value 0). */
function isUriType(node: ts.Expression | undefined): boolean {
  const expression = node ? skipOuter(node) : undefined;
  if (!expression) return false;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text === 'URI';
  return ts.isNumericLiteral(expression) && expression.text === '0';
}

/** URI versioning options, or undefined when the call sets another type (or cannot be read). */
export function uriVersioning(options: ts.Expression | undefined): NestVersioning | undefined {
  if (!options || !isUriType(objectProperty(options, 'type'))) return undefined;
  const prefixNode = objectProperty(options, 'prefix');
  const prefix =
    prefixNode === undefined ? 'v' : skipOuter(prefixNode).kind === ts.SyntaxKind.FalseKeyword ? '' : (staticString(prefixNode) ?? 'v');
  const defaultNode = objectProperty(options, 'defaultVersion');
  return { prefix, defaultVersions: defaultNode ? nestVersions(defaultNode) : undefined };
}
