/**
 * Where an import of a repository package (or a `#subpath` import) points, following Node's
 * package `exports`/`imports` rules (https://nodejs.org/api/packages.html): exact subpaths,
 * `*` patterns (the longest prefix wins), conditions nested at any depth, `null` blocking a
 * subpath, and `main`/`module`/`types` when there is no `exports`. Targets usually name
 * build output; `sourceCandidates` maps them back to the source that builds them.
 */
import { posix } from 'node:path';
import { asRecord } from './json-values.js';

/** Conditions that point at source code when a package offers them: tried before the others. */
const SOURCE_CONDITIONS = ['source', 'typescript', 'ts', 'development'];

/** Every path a target (string, array, or conditions, nested) can stand for, the most useful first. */
export function conditionTargets(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (!out.includes(value)) out.push(value);
  } else if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    for (const item of items) conditionTargets(item, out);
  } else {
    const record = asRecord(value);
    if (record === undefined) return out;
    const keys = Object.keys(record);
    for (const key of [...SOURCE_CONDITIONS.filter((c) => keys.includes(c)), ...keys.filter((k) => !SOURCE_CONDITIONS.includes(k))])
      conditionTargets(record[key], out);
  }
  return out;
}

const substitute = (targets: string[], star: string): string[] => targets.map((target) => target.split('*').join(star));

/**
 * Targets of `key` ('.', './x', '#x') in an exports/imports map: undefined when the map does
 * not list it, [] when it is listed as blocked (`null`).
 */
export function mapLookup(map: Record<string, unknown>, key: string): string[] | undefined {
  if (Object.hasOwn(map, key)) return conditionTargets(map[key]);
  let best: { prefix: string; pattern: string; star: string } | undefined;
  for (const pattern of Object.keys(map)) {
    const star = pattern.indexOf('*');
    if (star === -1) {
      // Deprecated folder mappings: `"./features/": "./src/features/"`.
      if (pattern.endsWith('/') && key.startsWith(pattern) && (best === undefined || pattern.length > best.prefix.length))
        best = { prefix: pattern, pattern, star: key.slice(pattern.length) };
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (key.length < pattern.length - 1 || !key.startsWith(prefix) || !key.endsWith(suffix)) continue;
    if (
      best === undefined ||
      prefix.length > best.prefix.length ||
      (prefix.length === best.prefix.length && pattern.length > best.pattern.length)
    )
      best = { prefix, pattern, star: key.slice(prefix.length, key.length - suffix.length) };
  }
  if (best === undefined) return undefined;
  const targets = conditionTargets(map[best.pattern]);
  return best.pattern.includes('*') ? substitute(targets, best.star) : targets.map((target) => target + best.star);
}

export interface PackageFields {
  exports: unknown;
  entries: readonly string[];
}

/**
 * Paths (relative to the package folder) that `subpath` ('.' or './x') of a package names,
 * or undefined when the package's `exports` does not export it.
 */
export function packageTargets(pkg: PackageFields, subpath: string): string[] | undefined {
  const field = pkg.exports;
  if (field !== undefined && field !== null) {
    const record = asRecord(field);
    const isSubpathMap = record !== undefined && Object.keys(record).some((key) => key.startsWith('.'));
    if (record !== undefined && isSubpathMap) return mapLookup(record, subpath);
    return subpath === '.' ? conditionTargets(field) : undefined;
  }
  if (subpath === '.') return [...pkg.entries, 'index'];
  return [subpath];
}

/** A build folder's mapping back to its sources (tsconfig `outDir` -> `rootDir`). */
export interface OutputMapping {
  outDir: string;
  rootDir: string;
}

const BUILD_DIRS = /^(?:dist|build|lib|out|esm|cjs|es|module|types|typings)\/(?:(?:esm|cjs|es|es\d+|module|types|node|browser|src)\/)?/;
const DECLARATION_EXT = /\.d\.[cm]?ts$/;

/**
 * Root-relative paths worth probing for a target inside package folder `dir`, in order: the
 * target itself (`.js` also probes `.ts`), without `.d.ts`, through tsconfig output
 * mappings, then the common `dist/…` -> `src/…` and `dist/…` -> `…` conventions.
 */
export function sourceCandidates(dir: string, target: string, mappings: readonly OutputMapping[]): string[] {
  const path = posix.normalize(posix.join(dir, target));
  const bare = path.replace(DECLARATION_EXT, '');
  const out = [path, bare];
  for (const mapping of mappings) {
    if (bare.startsWith(mapping.outDir + '/')) out.push(posix.join(mapping.rootDir, bare.slice(mapping.outDir.length + 1)));
  }
  const inner = dir === '' ? bare : bare.slice(dir.length + 1);
  const build = BUILD_DIRS.exec(inner);
  if (build) {
    const rest = inner.slice(build[0].length);
    out.push(posix.join(dir, 'src', rest), posix.join(dir, rest));
  }
  return [...new Set(out)];
}
