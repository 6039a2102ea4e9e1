/**
 * `@fastify/autoload`: `fastify.register(AutoLoad, { dir: join(__dirname, 'routes'),
 * options: { prefix: '/api' } })` registers every file under that folder as a plugin, with
 * the folders between the file and `dir` as its prefix (`routes/users/index.ts` → `/users`;
 * `dirNameRoutePrefix: false` turns that off; with `routeParams: true` a `_id` folder is
 * `:id`). The folder is read from the syntax (`join`/`resolve` of `__dirname`,
 * `import.meta.dirname` or `dirname(fileURLToPath(import.meta.url))` with literals, or a
 * template on `__dirname`) and matched against the analyzed files when all are known.
 * See https://github.com/fastify/fastify-autoload#readme
 */
import { posix } from 'node:path';
import ts from 'typescript';
import { declarationOf, importOriginOf, requiredSpecifier, skipOuter } from '../ast/declarations.js';
import { objectProperty, staticString } from '../ast/literals.js';
import type { MountFact, ValueRef } from './route-facts.js';
import { joinPaths } from './route-paths.js';

const AUTOLOAD_PACKAGES = new Set(['@fastify/autoload', 'fastify-autoload']);

export interface AutoloadFact {
  file: string;
  parent: ValueRef;
  /** Root-relative folder the plugins are loaded from. */
  dir: string;
  prefix: string;
  dirNamePrefix: boolean;
  routeParams: boolean;
}

/** True when the plugin expression is the autoload plugin itself. */
export function isAutoloadPlugin(plugin: ts.Expression): boolean {
  const expression = skipOuter(plugin);
  const required = requiredSpecifier(expression);
  if (required !== undefined) return AUTOLOAD_PACKAGES.has(required);
  if (!ts.isIdentifier(expression)) return false;
  const declaration = declarationOf(expression.text, expression);
  const origin = declaration ? importOriginOf(declaration) : undefined;
  return origin !== undefined && AUTOLOAD_PACKAGES.has(origin.specifier);
}

/** `__dirname`, `import.meta.dirname`, `dirname(…)`, `path.dirname(…)`. */
function isHere(node: ts.Expression): boolean {
  const expression = skipOuter(node);
  if (ts.isIdentifier(expression)) return expression.text === '__dirname';
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text === 'dirname' && ts.isMetaProperty(expression.expression);
  if (!ts.isCallExpression(expression)) return false;
  const callee = skipOuter(expression.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return name === 'dirname';
}

/** The folder a `dir` option names, relative to the file's own folder. */
function relativeDir(node: ts.Expression): string | undefined {
  const expression = skipOuter(node);
  if (ts.isCallExpression(expression)) {
    const callee = skipOuter(expression.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    const [first, ...rest] = expression.arguments;
    if ((name !== 'join' && name !== 'resolve') || !first || !isHere(first)) return undefined;
    const parts = rest.map((part) => staticString(part));
    return parts.every((part) => part !== undefined) ? posix.join('.', ...parts) : undefined;
  }
  if (ts.isTemplateExpression(expression) && expression.head.text === '' && expression.templateSpans.length === 1) {
    const span = expression.templateSpans[0];
    return span && isHere(span.expression) ? posix.join('.', span.literal.text) : undefined;
  }
  if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.PlusToken && isHere(expression.left)) {
    const rest = staticString(expression.right);
    return rest === undefined ? undefined : posix.join('.', rest);
  }
  return undefined;
}

/** The autoload registration, or undefined when its folder cannot be read. */
export function autoloadFact(file: string, parent: ValueRef, options: ts.Expression | undefined): AutoloadFact | undefined {
  const dirNode = options ? objectProperty(options, 'dir') : undefined;
  const relative = dirNode ? relativeDir(dirNode) : undefined;
  if (!options || relative === undefined) return undefined;
  const dir = posix.normalize(posix.join(posix.dirname(file), relative)).replace(/^\.\/?/, '');
  const inner = objectProperty(options, 'options');
  const prefixNode = inner ? objectProperty(inner, 'prefix') : undefined;
  const flag = (name: string): ts.SyntaxKind | undefined => objectProperty(options, name)?.kind;
  return {
    file,
    parent,
    dir,
    prefix: prefixNode ? (staticString(prefixNode) ?? '') : '',
    dirNamePrefix: flag('dirNameRoutePrefix') !== ts.SyntaxKind.FalseKeyword,
    routeParams: flag('routeParams') === ts.SyntaxKind.TrueKeyword,
  };
}

/** One `register` mount per analyzed file under the folder, with its folder prefix. */
export function autoloadMounts(fact: AutoloadFact, modules: ReadonlySet<string>): MountFact[] {
  const base = fact.dir === '' || fact.dir === '.' ? '' : `${fact.dir}/`;
  const mounts: MountFact[] = [];
  for (const path of modules) {
    if (!path.startsWith(base) || path.startsWith('../')) continue;
    const folder = posix.dirname(path.slice(base.length));
    const segments = folder === '.' ? [] : folder.split('/');
    const folderPrefix = fact.dirNamePrefix
      ? segments.map((segment) => (fact.routeParams && segment.startsWith('_') ? `:${segment.slice(1)}` : segment))
      : [];
    mounts.push({
      file: fact.file,
      parent: fact.parent,
      prefixes: [{ value: joinPaths(fact.prefix, ...folderPrefix), regex: false }],
      child: { kind: 'import', from: path, specifier: `./${posix.basename(path)}`, name: 'default' },
      kind: 'register',
    });
  }
  return mounts;
}
