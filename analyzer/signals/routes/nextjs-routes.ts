/**
 * Next.js routes, which files declare by where they are rather than by a call:
 * - App Router route handlers: `app/**\/route.ts` exporting `GET`, `POST`… (`export async
 *   function GET`, `export const POST = …`, `export { handler as PUT }`);
 * - Pages Router API routes: `pages/api/**` with a default export (every method).
 * The path is the folder path: route groups `(marketing)` and parallel slots `@modal` add no
 * segment, `[id]` is `:id`, `[...slug]` and `[[...slug]]` are `*`, `pages/api/x/index.ts` is
 * `/api/x`. A private folder (`_lib`) holds no routes.
 */
import ts from 'typescript';
import type { HttpRoute } from '../../model.js';
import { hasModifier } from '../ast/syntax.js';

export const HANDLER_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const APP_ROUTE = /(?:^|\/)app\/((?:[^/]+\/)*)route\.[cm]?[jt]sx?$/;
const PAGES_API = /(?:^|\/)pages\/(api(?:\/[^/]+)*?)\.[cm]?[jt]sx?$/;

/** The URL path of Next.js folders, or undefined when one of them is private (`_lib`). */
function urlPath(segments: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const segment of segments) {
    if (segment.startsWith('_')) return undefined;
    if ((segment.startsWith('(') && segment.endsWith(')')) || segment.startsWith('@')) continue;
    const dynamic = /^\[{1,2}(\.\.\.)?([^\]]+)\]{1,2}$/.exec(segment);
    parts.push(dynamic ? (dynamic[1] ? '*' : `:${dynamic[2] ?? ''}`) : segment);
  }
  return `/${parts.join('/')}`;
}

/** The names a module exports as values (`export function GET`, `export const POST = …`, `export { handler as PUT }`). */
export function exportedNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      names.add(statement.name.text);
    } else if (ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause) &&
      !statement.isTypeOnly
    ) {
      for (const element of statement.exportClause.elements) names.add(element.name.text);
    }
  }
  return names;
}

/** The HTTP method handlers a route.ts exports. */
const exportedHandlers = (file: ts.SourceFile): string[] => [...exportedNames(file)].filter((name) => HANDLER_METHODS.has(name)).sort();

const hasDefaultExport = (file: ts.SourceFile): boolean =>
  file.statements.some(
    (statement) =>
      (ts.isExportAssignment(statement) && !statement.isExportEquals) ||
      (hasModifier(statement, ts.SyntaxKind.ExportKeyword) && hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) ||
      (ts.isExportDeclaration(statement) &&
        statement.exportClause !== undefined &&
        ts.isNamedExports(statement.exportClause) &&
        statement.exportClause.elements.some((element) => element.name.text === 'default')),
  );

/** The routes `path` declares by the Next.js file conventions (none for any other file). */
export function nextjsRoutes(path: string, file: ts.SourceFile): HttpRoute[] {
  const app = APP_ROUTE.exec(path);
  if (app) {
    const url = urlPath((app[1] ?? '').split('/').filter(Boolean));
    if (url === undefined) return [];
    return exportedHandlers(file).map((method) => ({ method, path: url, module: path, framework: 'nextjs' }));
  }
  const pages = PAGES_API.exec(path);
  if (pages && hasDefaultExport(file)) {
    const segments = (pages[1] ?? '').split('/');
    if (segments.at(-1) === 'index') segments.pop();
    const url = urlPath(segments);
    return url === undefined ? [] : [{ method: 'ALL', path: url, module: path, framework: 'nextjs' }];
  }
  return [];
}
