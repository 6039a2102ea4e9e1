/**
 * Packages that live inside the analyzed repository (npm/yarn/pnpm workspaces, or any
 * package.json with a name), so that `import { x } from '@acme/billing/money'` resolves to
 * that package's source without node_modules installed: `exports` (subpaths, `*`
 * patterns, nested conditions), then `module`/`main`/`types`, mapped from build output
 * back to source (`dist/index.js` -> `src/index.ts`).
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Warning } from '../model.js';

export interface RepoPackage {
  name: string;
  /** Folder relative to the root ('' for the root package). */
  dir: string;
  exports: unknown;
  entries: string[];
}

export function readRepoPackages(root: string, packageJsonFiles: readonly string[], warnings: Warning[]): Map<string, RepoPackage> {
  const packages = new Map<string, RepoPackage>();
  for (const file of packageJsonFiles) {
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>;
    } catch (error) {
      warnings.push({ code: 'PACKAGE_JSON_INVALID', path: file, message: `cannot parse ${file}: ${(error as Error).message}` });
      continue;
    }
    if (typeof manifest.name !== 'string' || manifest.name === '') continue;
    const entries = ['module', 'main', 'types', 'typings']
      .map((key) => manifest[key])
      .filter((value): value is string => typeof value === 'string');
    packages.set(manifest.name, {
      name: manifest.name,
      dir: posix.dirname(file) === '.' ? '' : posix.dirname(file),
      exports: manifest.exports,
      entries,
    });
  }
  return packages;
}

const CONDITIONS = ['types', 'source', 'import', 'module', 'require', 'node', 'default'];

/** The first target path of an `exports` value: a string, an array, or conditions (nested). */
function target(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(target).find((found) => found !== undefined);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const condition of CONDITIONS) {
      const found = target(record[condition]);
      if (found !== undefined) return found;
    }
    return Object.values(record)
      .map(target)
      .find((found) => found !== undefined);
  }
  return undefined;
}

/** Candidate paths (relative to the package folder) for `subpath` ('.' or './x'). */
export function packageTargets(pkg: RepoPackage, subpath: string): string[] {
  const exportsField = pkg.exports;
  if (exportsField !== undefined && exportsField !== null) {
    const map =
      typeof exportsField === 'object' && !Array.isArray(exportsField) && Object.keys(exportsField).some((key) => key.startsWith('.'))
        ? (exportsField as Record<string, unknown>)
        : { '.': exportsField };
    const exact = target(map[subpath]);
    if (exact !== undefined) return [exact];
    for (const [key, value] of Object.entries(map)) {
      const star = key.indexOf('*');
      if (star === -1) continue;
      const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
      if (subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
        const found = target(value);
        if (found !== undefined) return [found.replace('*', subpath.slice(prefix.length, subpath.length - suffix.length))];
      }
    }
  }
  if (subpath === '.') return [...pkg.entries, 'src/index', 'index'];
  return [subpath, `src/${subpath.slice(2)}`];
}

/** Build output back to source: `./dist/x.js` also tries `src/x`, `x.d.ts` also `x`. */
export function sourceCandidates(path: string): string[] {
  const clean = path.replace(/^\.\//, '');
  const withoutDeclaration = clean.replace(/\.d\.[cm]?ts$/, '');
  const outDir = /^(dist|build|lib|out|esm|cjs)\//;
  const out = [clean, withoutDeclaration];
  if (outDir.test(withoutDeclaration)) out.push(withoutDeclaration.replace(outDir, 'src/').replace(/\.[cm]?js$/, ''));
  return [...new Set(out)];
}
