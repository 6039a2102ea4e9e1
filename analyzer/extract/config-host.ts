/**
 * The ParseConfigHost that lets TypeScript read tsconfig files (with their `extends` chains)
 * over the real file system without executing anything, and without node_modules installed:
 * an `extends` that names a package of the repository (`"@acme/tsconfig/base.json"`) is
 * rewritten to that package's file before TypeScript sees it.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import ts from 'typescript';
import { asRecord, asString } from './json-values.js';
import { packageTargets } from './package-entries.js';
import type { Manifest } from './workspaces.js';

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** Splits `@scope/name/sub/path` into the package name and `sub/path`. */
export function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, count).join('/'), subpath: parts.slice(count).join('/') };
}

/** The file an `extends` naming a repository package points to, or undefined when it is not one of them. */
export function resolvePackageExtends(specifier: string, root: string, packages: ReadonlyMap<string, Manifest>): string | undefined {
  if (specifier.startsWith('.') || isAbsolute(specifier)) return undefined;
  const { name, subpath } = splitPackageSpecifier(specifier);
  const pkg = packages.get(name);
  if (pkg === undefined) return undefined;
  const dir = join(root, pkg.dir);
  const exported = packageTargets(pkg, subpath === '' ? '.' : `./${subpath}`) ?? [];
  const candidates = subpath === '' ? [...exported, pkg.tsconfig ?? '', 'tsconfig.json'] : [...exported, subpath, `${subpath}.json`];
  return candidates
    .filter((candidate) => candidate !== '')
    .map((candidate) => join(dir, candidate))
    .find(isFile);
}

export function createConfigHost(
  root: string,
  packages: ReadonlyMap<string, Manifest>,
): ts.ParseConfigHost & { rewrite(json: unknown): unknown } {
  const rewriteOne = (value: unknown): unknown => {
    const specifier = asString(value);
    return specifier === undefined ? value : (resolvePackageExtends(specifier, root, packages) ?? value);
  };
  const rewrite = (json: unknown): unknown => {
    const config = asRecord(json);
    if (config === undefined || config.extends === undefined) return json;
    const extendsField: unknown = config.extends;
    const items: readonly unknown[] | undefined = Array.isArray(extendsField) ? extendsField : undefined;
    return { ...config, extends: items ? items.map(rewriteOne) : rewriteOne(extendsField) };
  };
  return {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    // Only compiler options matter here, never the file list.
    readDirectory: () => [],
    fileExists: isFile,
    readFile: (path) => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
      if (!path.endsWith('.json')) return text;
      const parsed = ts.parseConfigFileTextToJson(path, text);
      return parsed.error ? text : JSON.stringify(rewrite(parsed.config));
    },
    rewrite,
  };
}
