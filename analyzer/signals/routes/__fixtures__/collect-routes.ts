/** Test helper for the route collector: parse in-memory files, run the collector, resolve imports against the file set. */
import ts from 'typescript';
import type { HttpRoute } from '../../../model.js';
import { createRouteCollector } from '../route-collector.js';

/** Parses the files, runs the collector, and resolves relative imports (plus `aliases`) against the file set. */
export function collect(files: Record<string, string>, aliases: Record<string, string> = {}) {
  const collector = createRouteCollector();
  const paths = new Set(Object.keys(files));
  for (const [path, text] of Object.entries(files)) {
    collector.visit({ path, text, sourceFile: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true) });
  }
  const resolveImport = (from: string, specifier: string): string | undefined => {
    const alias = aliases[specifier];
    if (alias !== undefined) return alias;
    if (!specifier.startsWith('.')) return undefined;
    const parts = from.split('/').slice(0, -1);
    for (const piece of specifier.split('/')) {
      if (piece === '..') parts.pop();
      else if (piece !== '.') parts.push(piece);
    }
    const base = parts.join('/').replace(/\.js$/, '');
    return [`${base}.ts`, `${base}.js`, `${base}/index.ts`, base].find((candidate) => paths.has(candidate));
  };
  collector.finish({ root: '/repo', modules: paths, resolveImport });
  return { routes: collector.routes(), warnings: collector.warnings() };
}

export const lines = (routes: HttpRoute[]): string[] => routes.map((route) => `${route.method} ${route.path} ${route.module}`).sort();
