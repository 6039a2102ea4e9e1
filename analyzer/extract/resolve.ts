/**
 * Resolves import specifiers against the set of discovered files, in memory, the way the
 * project's own TypeScript/Node setup would: relative paths with extension probing (also
 * NodeNext's `.js` written for a `.ts` file), folder index files, tsconfig `paths` and
 * `baseUrl`. Bare specifiers that match none of those are external packages.
 */
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, resolve, sep } from 'node:path';
import { packageTargets, sourceCandidates, type RepoPackage } from './packages.js';
import { scopeFor, type PathScope } from './project-config.js';

export type Resolution =
  { kind: 'file'; path: string } | { kind: 'external'; pkg: string } | { kind: 'builtin' } | { kind: 'asset' } | { kind: 'unresolved' };

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const BUILTINS = new Set(builtinModules);

export class Resolver {
  private readonly cache = new Map<string, Resolution>();

  private readonly root: string;

  constructor(
    root: string,
    private readonly files: ReadonlySet<string>,
    private readonly scopes: readonly PathScope[],
    private readonly packages: ReadonlyMap<string, RepoPackage> = new Map(),
  ) {
    this.root = resolve(root);
  }

  /** The file a path names, trying what TypeScript and Node would try. */
  private probe(path: string): string | undefined {
    const clean = posix.normalize(path).replace(/^\.\//, '');
    if (clean.startsWith('../')) return undefined;
    if (this.files.has(clean)) return clean;
    const ext = posix.extname(clean);
    for (const replacement of JS_TO_TS[ext] ?? []) {
      const candidate = clean.slice(0, -ext.length) + replacement;
      if (this.files.has(candidate)) return candidate;
    }
    for (const extension of EXTENSIONS) if (this.files.has(clean + extension)) return clean + extension;
    for (const extension of EXTENSIONS) if (this.files.has(`${clean}/index${extension}`)) return `${clean}/index${extension}`;
    return undefined;
  }

  private fromPaths(scope: PathScope, specifier: string): { matched: boolean; path?: string } {
    let matched = false;
    for (const entry of scope.paths) {
      let star: string;
      if (entry.wildcard) {
        if (
          !specifier.startsWith(entry.prefix) ||
          !specifier.endsWith(entry.suffix) ||
          specifier.length < entry.prefix.length + entry.suffix.length
        )
          continue;
        star = specifier.slice(entry.prefix.length, specifier.length - entry.suffix.length);
      } else {
        if (specifier !== entry.pattern) continue;
        star = '';
      }
      matched = true;
      for (const target of entry.targets) {
        const path = this.probe(posix.join(scope.base ?? scope.dir, target.replace('*', star)));
        if (path) return { matched, path };
      }
    }
    return { matched };
  }

  resolve(from: string, specifier: string): Resolution {
    const dir = posix.dirname(from);
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
    const key = relative ? `${dir}\u0000${specifier}` : `${scopeFor(this.scopes, from)?.dir ?? ''}\u0000${specifier}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result = this.compute(dir, from, specifier, relative);
    this.cache.set(key, result);
    return result;
  }

  private compute(dir: string, from: string, specifier: string, relative: boolean): Resolution {
    if (relative) {
      const target = posix.join(dir, specifier);
      const path = this.probe(target);
      if (path) return { kind: 'file', path };
      // A stylesheet, JSON file or declaration file that exists is not a source dependency.
      const absolute = join(this.root, target);
      return existsSync(absolute) || existsSync(`${absolute}.d.ts`) || existsSync(`${absolute}.json`)
        ? { kind: 'asset' }
        : { kind: 'unresolved' };
    }
    if (specifier.startsWith('/')) {
      // An absolute path: a file of this repo if it lies inside it, otherwise nothing we analyze.
      const inside = posix.relative(this.root.split(sep).join('/'), specifier);
      if (inside.startsWith('..')) return { kind: 'asset' };
      const path = this.probe(inside);
      return path ? { kind: 'file', path } : { kind: 'unresolved' };
    }
    if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '')) return { kind: 'builtin' };
    const scope = scopeFor(this.scopes, from);
    if (scope) {
      const viaPaths = this.fromPaths(scope, specifier);
      if (viaPaths.path) return { kind: 'file', path: viaPaths.path };
      if (scope.base !== undefined) {
        const path = this.probe(posix.join(scope.base, specifier));
        if (path) return { kind: 'file', path };
      }
      if (viaPaths.matched) return { kind: 'unresolved' };
    }
    const parts = specifier.split('/');
    const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
    const local = this.packages.get(pkg);
    if (local) {
      const subpath = specifier === pkg ? '.' : `.${specifier.slice(pkg.length)}`;
      for (const candidate of packageTargets(local, subpath).flatMap(sourceCandidates)) {
        const path = this.probe(posix.join(local.dir, candidate));
        if (path) return { kind: 'file', path };
      }
      return { kind: 'unresolved' };
    }
    return { kind: 'external', pkg };
  }
}
