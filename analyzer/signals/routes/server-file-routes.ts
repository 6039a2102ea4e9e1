/**
 * Routes that Nuxt (Nitro) and SvelteKit files declare by where they are:
 * - Nitro: `server/api/**` (under `/api`) and `server/routes/**` (from `/`), each file a
 *   handler whose default export is `defineEventHandler(…)` (or `eventHandler`,
 *   `defineCachedEventHandler`, `defineOAuthGitHubEventHandler`, `defineWebSocketHandler`…). A method suffix names the method
 *   (`users.get.ts` is `GET /api/users`), otherwise every method; `index` is the folder itself,
 *   `[id]` is `:id`, `[...slug]` is `*`. The call is required: an express app's
 *   `server/routes/` folder holds routers, not Nitro handlers.
 * - SvelteKit: `src/routes/**\/+server.ts` exporting `GET`, `POST`… (and `fallback`, every
 *   other method); a `+page.server.ts` exporting `actions` takes form posts (`POST`) at the
 *   page's path. `(group)` folders add no segment, `[id]` and `[id=matcher]` are `:id`,
 *   `[[lang]]` is `:lang?`, `[...rest]` is `*`.
 */
import ts from 'typescript';
import type { HttpRoute } from '../../model.js';
import { HANDLER_METHODS, exportedNames } from './nextjs-routes.js';

const NITRO_FILE = /(?:^|\/)server\/(api|routes)\/((?:[^/]+\/)*)([^/]+?)\.[cm]?[jt]s$/;
/** `defineEventHandler`, `eventHandler`, `defineCachedEventHandler`, nuxt-auth-utils' `defineOAuthGitHubEventHandler`… */
const NITRO_HANDLER = /(?:^e|E)ventHandler$|^defineWebSocketHandler$/;
const METHOD_SUFFIX = /^(.+)\.(get|post|put|patch|delete|head|options|connect|trace)$/i;
const SVELTEKIT_FILE = /(?:^|\/)src\/routes\/((?:[^/]+\/)*)\+(server|page\.server)\.[cm]?[jt]s$/;

/** `[id]` → `:id`, `[...slug]` → `*`, `[[lang]]` → `:lang?`, `[id=integer]` → `:id`; other segments as they are. */
function segmentPath(segment: string): string {
  const rest = /^\[\.\.\.[^\]]*\]$/.exec(segment);
  if (rest) return '*';
  const optional = /^\[\[([^\]=]+)(?:=[^\]]*)?\]\]$/.exec(segment);
  if (optional) return `:${optional[1] ?? ''}?`;
  const param = /^\[([^\]=]+)(?:=[^\]]*)?\]$/.exec(segment);
  return param ? `:${param[1] ?? ''}` : segment;
}

const joinSegments = (segments: readonly string[]): string => `/${segments.map(segmentPath).join('/')}`;

/** The function a default export calls: `export default defineEventHandler(…)` → `defineEventHandler`. */
function defaultExportCallee(file: ts.SourceFile): string | undefined {
  for (const statement of file.statements) {
    if (!ts.isExportAssignment(statement) || statement.isExportEquals) continue;
    let expression: ts.Expression = statement.expression;
    while (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression))
      expression = expression.expression;
    if (ts.isCallExpression(expression) && ts.isIdentifier(expression.expression)) return expression.expression.text;
  }
  return undefined;
}

function nitroRoutes(path: string, file: ts.SourceFile, match: RegExpExecArray): HttpRoute[] {
  const callee = defaultExportCallee(file);
  if (callee === undefined || !NITRO_HANDLER.test(callee)) return [];
  const [, base = '', folders = '', name = ''] = match;
  const suffix = METHOD_SUFFIX.exec(name);
  const stem = suffix ? (suffix[1] ?? '') : name;
  const segments = [...(base === 'api' ? ['api'] : []), ...folders.split('/').filter(Boolean), ...(stem === 'index' ? [] : [stem])];
  const method = suffix ? (suffix[2] ?? '').toUpperCase() : 'ALL';
  return [{ method, path: joinSegments(segments), module: path, framework: 'nuxt' }];
}

function sveltekitRoutes(path: string, file: ts.SourceFile, match: RegExpExecArray): HttpRoute[] {
  const [, folders = '', kind] = match;
  const url = joinSegments(folders.split('/').filter((segment) => segment !== '' && !/^\(.*\)$/.test(segment)));
  const names = exportedNames(file);
  let methods: string[];
  if (kind === 'server') methods = names.has('fallback') ? ['ALL'] : [...names].filter((name) => HANDLER_METHODS.has(name)).sort();
  else methods = names.has('actions') ? ['POST'] : [];
  return methods.map((method) => ({ method, path: url, module: path, framework: 'sveltekit' }));
}

/** The routes `path` declares by the Nitro or SvelteKit file conventions (none for any other file). */
export function serverFileRoutes(path: string, file: ts.SourceFile): HttpRoute[] {
  const nitro = NITRO_FILE.exec(path);
  if (nitro) return nitroRoutes(path, file, nitro);
  const sveltekit = SVELTEKIT_FILE.exec(path);
  return sveltekit ? sveltekitRoutes(path, file, sveltekit) : [];
}
