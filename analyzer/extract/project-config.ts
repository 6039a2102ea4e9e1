/**
 * How the analyzed project resolves bare specifiers: `baseUrl` and `paths` from every
 * tsconfig.json/jsconfig.json in the tree (with `extends` chains), each applying to the
 * files under its folder (nearest wins). Files are parsed, never executed or `require`d.
 */
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';
import type { Warning } from '../model.js';

export interface PathScope {
  /** Folder of the tsconfig, relative to the root ('' for the root). */
  dir: string;
  /** Where `paths` targets and bare `baseUrl` imports are resolved from, relative to the root. */
  base: string | undefined;
  paths: Array<{ pattern: string; prefix: string; suffix: string; wildcard: boolean; targets: string[] }>;
}

const toPosix = (path: string): string => path.split(sep).join('/');

function parseConfig(root: string, file: string, warnings: Warning[]): PathScope | undefined {
  const rel = toPosix(relative(root, file));
  const read = ts.readConfigFile(file, (path) => ts.sys.readFile(path));
  if (read.error) {
    warnings.push({
      code: 'TSCONFIG_INVALID',
      path: rel,
      message: `cannot parse ${rel}: ${ts.flattenDiagnosticMessageText(read.error.messageText, ' ')}`,
    });
    return undefined;
  }
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: () => [],
    fileExists: (path) => ts.sys.fileExists(path),
    readFile: (path) => ts.sys.readFile(path),
  };
  const parsed = ts.parseJsonConfigFileContent(read.config, host, dirname(file), undefined, file);
  const options = parsed.options;
  const baseDir = options.baseUrl ?? (options.paths ? (options as { pathsBasePath?: unknown }).pathsBasePath : undefined);
  const base = typeof baseDir === 'string' ? toPosix(relative(root, baseDir)) : undefined;
  const paths = Object.entries(options.paths ?? {})
    .map(([pattern, targets]) => {
      const star = pattern.indexOf('*');
      return {
        pattern,
        prefix: star === -1 ? pattern : pattern.slice(0, star),
        suffix: star === -1 ? '' : pattern.slice(star + 1),
        wildcard: star !== -1,
        targets,
      };
    })
    // Most specific first: the longest prefix wins, as TypeScript does.
    .sort((a, b) => b.prefix.length - a.prefix.length);
  return { dir: toPosix(relative(root, dirname(file))), base, paths };
}

/** Finds and parses every tsconfig/jsconfig below root, skipping dependencies and output. */
export function readPathScopes(root: string, configFiles: readonly string[], warnings: Warning[]): PathScope[] {
  return configFiles
    .map((rel) => parseConfig(root, join(root, rel), warnings))
    .filter((scope): scope is PathScope => scope !== undefined)
    .sort((a, b) => b.dir.length - a.dir.length);
}

/** The scope that applies to a file: the deepest tsconfig folder containing it. */
export function scopeFor(scopes: readonly PathScope[], file: string): PathScope | undefined {
  return scopes.find((scope) => scope.dir === '' || file.startsWith(scope.dir + '/'));
}
