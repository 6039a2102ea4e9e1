/**
 * Resolves import specifiers in memory, against the files the walk found, the way the
 * project's own TypeScript/Node setup would, with no file system call per import:
 * relative paths with extension probing (also a `.js` written for a `.ts` file), folder
 * `package.json` `main` and `index.*`, tsconfig `paths` and `baseUrl`, `#subpath` imports,
 * packages of the repository through their `exports`/`main` mapped back to source, and
 * symlinked folders inside the root. Other bare specifiers are external packages; so is an
 * alias whose target lies outside the analyzed folder (a monorepo app analyzed alone, its
 * `@org/common/*` paths pointing at `../../libs/common`), checked with `existsOutside`.
 * Results are cached per (folder or tsconfig scope, specifier).
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { splitPackageSpecifier } from './config-host.js';
import { asRecord } from './json-values.js';
import { mapLookup, packageTargets, sourceCandidates } from './package-entries.js';
import type { ProjectConfigs, ResolutionSettings } from './project-configs.js';
import type { Manifest, RepoPackages } from './workspaces.js';

export type Resolution =
  | { kind: 'file'; path: string }
  | { kind: 'external'; pkg: string }
  /** Node built-ins, URLs and bundler virtual modules: not dependencies of interest. */
  | { kind: 'ignored' }
  /** Only a declaration file (.d.ts) answers: types from outside the analyzed sources. */
  | { kind: 'external-types' }
  /** A file that exists but is not an analyzed source (JSON, CSS, a test, an excluded or skipped file). */
  | { kind: 'other-file'; path: string }
  /** A file outside the analyzed folder (`../../libs/x.ts` relative to the root): a dependency, never an edge. */
  | { kind: 'outside'; path: string }
  | { kind: 'unresolved' };

export interface ResolverInput {
  modules: ReadonlySet<string>;
  otherFiles: ReadonlySet<string>;
  links: ReadonlyMap<string, string>;
  configs: ProjectConfigs;
  packages: RepoPackages;
  /** Whether a root-relative path above the root (`../libs/a.ts`) is a file; without it such paths are unresolved. */
  existsOutside?: (path: string) => boolean;
}

// Components last: a bundler that resolves `./Button` to Button.vue tries scripts first.
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.vue', '.svelte'];
const OTHER_EXTENSIONS = [...SOURCE_EXTENSIONS, '.d.ts', '.d.mts', '.d.cts', '.json'];
/** NodeNext style: the specifier names the emitted file, the source has the TypeScript extension. */
const EMITTED_TO_SOURCE: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};
const BUILTINS: ReadonlySet<string> = new Set(builtinModules);

const isRelative = (specifier: string): boolean =>
  specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');

const parentDir = (dir: string): string | undefined => (dir === '' ? undefined : posix.dirname(dir) === '.' ? '' : posix.dirname(dir));

export class Resolver {
  private readonly cache = new Map<string, Resolution>();
  private readonly scopeDirs = new Map<string, string | undefined>();
  private readonly manifestDirs = new Map<string, string | undefined>();

  constructor(private readonly input: ResolverInput) {}

  resolve(from: string, rawSpecifier: string): Resolution {
    // Bundler queries (`./logo.svg?react`) are not part of the path.
    const specifier = rawSpecifier.replace(/\?.*$/s, '') || rawSpecifier;
    const dir = posix.dirname(from) === '.' ? '' : posix.dirname(from);
    const relative = isRelative(specifier);
    const key = `${relative || specifier.startsWith('#') || specifier.startsWith('/') ? dir : (this.scopeDir(dir) ?? '\u0001')}\u0000${specifier}`;
    let result = this.cache.get(key);
    if (result === undefined) {
      result = relative ? this.located(posix.join(dir, specifier)) : this.bare(dir, specifier, 0);
      this.cache.set(key, result);
    }
    return result;
  }

  /** A path inside the root: a source file, another known file, or nothing. */
  private located(path: string): Resolution {
    const file = this.probe(path, this.input.modules, SOURCE_EXTENSIONS, 0);
    if (file !== undefined) return { kind: 'file', path: file };
    const other = this.probe(path, this.input.otherFiles, OTHER_EXTENSIONS, 0);
    if (other === undefined) return this.outside(path) ?? { kind: 'unresolved' };
    return /\.d\.[cm]?ts$/.test(other) ? { kind: 'external-types' } : { kind: 'other-file', path: other };
  }

  /** A path that leaves the root and names a file there (probed like a source path). */
  private outside(path: string): Resolution | undefined {
    const exists = this.input.existsOutside;
    const clean = posix.normalize(path).replace(/\/$/, '');
    if (!exists || !clean.startsWith('../')) return undefined;
    const ext = posix.extname(clean);
    const stem = ext === '' ? clean : clean.slice(0, -ext.length);
    const candidates = [
      clean,
      ...(EMITTED_TO_SOURCE[ext] ?? []).map((replacement) => stem + replacement),
      ...OTHER_EXTENSIONS.map((extension) => clean + extension),
      ...OTHER_EXTENSIONS.map((extension) => `${clean}/index${extension}`),
    ];
    return candidates.some(exists) ? { kind: 'outside', path: clean } : undefined;
  }

  private probe(path: string, files: ReadonlySet<string>, extensions: readonly string[], depth: number): string | undefined {
    const clean = posix.normalize(path).replace(/^\.\/|\/$/g, '');
    if (clean === '..' || clean.startsWith('../') || depth > 4) return undefined;
    if (files.has(clean)) return clean;
    const ext = posix.extname(clean);
    for (const replacement of EMITTED_TO_SOURCE[ext] ?? []) {
      const candidate = clean.slice(0, -ext.length) + replacement;
      if (files.has(candidate)) return candidate;
    }
    for (const extension of extensions) if (files.has(clean + extension)) return clean + extension;
    const main = this.input.packages.manifests.get(clean)?.main;
    if (main !== undefined) {
      const viaMain = this.probe(posix.join(clean, main), files, extensions, depth + 1);
      if (viaMain !== undefined) return viaMain;
    }
    const prefix = clean === '' || clean === '.' ? 'index' : `${clean}/index`;
    for (const extension of extensions) if (files.has(prefix + extension)) return prefix + extension;
    return this.throughLink(clean, files, extensions, depth);
  }

  /** `src/shared/x` where `src/shared` is a symlink to `lib/shared`: probe `lib/shared/x`. */
  private throughLink(path: string, files: ReadonlySet<string>, extensions: readonly string[], depth: number): string | undefined {
    if (this.input.links.size === 0) return undefined;
    for (let dir: string | undefined = path; dir !== undefined && dir !== ''; dir = parentDir(dir)) {
      const target = this.input.links.get(dir);
      if (target !== undefined) return this.probe(target + path.slice(dir.length), files, extensions, depth + 1);
    }
    return undefined;
  }

  private nearest(cache: Map<string, string | undefined>, dir: string, has: (dir: string) => boolean): string | undefined {
    if (cache.has(dir)) return cache.get(dir);
    const parent = parentDir(dir);
    const found = has(dir) ? dir : parent === undefined ? undefined : this.nearest(cache, parent, has);
    cache.set(dir, found);
    return found;
  }

  /** Folder of the nearest tsconfig/jsconfig above `dir`. */
  private scopeDir(dir: string): string | undefined {
    return this.nearest(this.scopeDirs, dir, (candidate) => this.input.configs.scopes.has(candidate));
  }

  private nearestManifest(dir: string): Manifest | undefined {
    const found = this.nearest(this.manifestDirs, dir, (candidate) => this.input.packages.manifests.has(candidate));
    return found === undefined ? undefined : this.input.packages.manifests.get(found);
  }

  private bare(dir: string, specifier: string, depth: number): Resolution {
    if (specifier.startsWith('/')) return this.located(specifier.slice(1));
    if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '')) return { kind: 'ignored' };
    if (/^[a-z][\w+.-]*:/i.test(specifier)) return { kind: 'ignored' };
    if (specifier.startsWith('#')) return this.subpathImport(dir, specifier, depth);

    const scope = this.scopeDir(dir);
    let aliased = false;
    for (const settings of scope === undefined ? [] : (this.input.configs.scopes.get(scope) ?? [])) {
      const viaPaths = this.viaPaths(settings, specifier);
      if (viaPaths.resolution) return viaPaths.resolution;
      aliased ||= viaPaths.matched;
      if (settings.baseUrl !== undefined) {
        const resolution = this.located(posix.join(settings.baseUrl, specifier));
        if (resolution.kind !== 'unresolved') return resolution;
      }
    }
    if (aliased) return { kind: 'unresolved' };

    const { name, subpath } = splitPackageSpecifier(specifier);
    const local = this.input.packages.byName.get(name);
    if (local !== undefined) return this.packageEntry(local, subpath === '' ? '.' : `./${subpath}`);
    return { kind: 'external', pkg: name };
  }

  private viaPaths(settings: ResolutionSettings, specifier: string): { matched: boolean; resolution?: Resolution } {
    let matched = false;
    for (const pattern of settings.paths) {
      let star = '';
      if (pattern.wildcard) {
        const fits =
          specifier.length >= pattern.prefix.length + pattern.suffix.length &&
          specifier.startsWith(pattern.prefix) &&
          specifier.endsWith(pattern.suffix);
        if (!fits) continue;
        star = specifier.slice(pattern.prefix.length, specifier.length - pattern.suffix.length);
      } else if (specifier !== pattern.prefix) continue;
      // A catch-all `*` pattern (often pointing at typings) does not make every package an alias.
      if (pattern.prefix !== '' || pattern.suffix !== '') matched = true;
      for (const target of pattern.targets) {
        const path = target.split('*').join(star);
        if (/(^|\/)node_modules\//.test(path))
          return { matched, resolution: { kind: 'external', pkg: splitPackageSpecifier(specifier).name } };
        const resolution = this.located(path);
        // An alias into a library outside the analyzed folder: that library is a dependency like a package.
        if (resolution.kind === 'outside') return { matched, resolution: { kind: 'external', pkg: splitPackageSpecifier(specifier).name } };
        if (resolution.kind !== 'unresolved') return { matched, resolution };
      }
    }
    return { matched };
  }

  /** `#internal/x` through the nearest package.json `imports`. */
  private subpathImport(dir: string, specifier: string, depth: number): Resolution {
    const manifest = this.nearestManifest(dir);
    const map = asRecord(manifest?.imports);
    const targets = map === undefined ? undefined : mapLookup(map, specifier);
    if (manifest === undefined || targets === undefined) return { kind: 'unresolved' };
    for (const target of targets) {
      if (!target.startsWith('./')) {
        if (depth === 0) {
          const resolution = this.bare(manifest.dir, target, depth + 1);
          if (resolution.kind !== 'unresolved') return resolution;
        }
        continue;
      }
      const resolution = this.mapped(manifest.dir, target);
      if (resolution !== undefined) return resolution;
    }
    return { kind: 'unresolved' };
  }

  private packageEntry(pkg: Manifest, subpath: string): Resolution {
    const targets = packageTargets(pkg, subpath);
    for (const target of targets ?? []) {
      const resolution = this.mapped(pkg.dir, target);
      if (resolution !== undefined) return resolution;
    }
    return { kind: 'unresolved' };
  }

  /** A target inside a package folder, mapped back to source when it names build output. */
  private mapped(dir: string, target: string): Resolution | undefined {
    let fallback: Resolution | undefined;
    for (const candidate of sourceCandidates(dir, target, this.input.configs.outputMappings)) {
      const resolution = this.located(candidate);
      if (resolution.kind === 'file') return resolution;
      if (resolution.kind !== 'unresolved') fallback ??= resolution;
    }
    return fallback;
  }
}
