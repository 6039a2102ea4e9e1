/**
 * One walk of the analyzed tree that finds everything the extract stage reads: source files,
 * tsconfig/jsconfig files, package.json manifests and pnpm-workspace.yaml. It never stats a
 * plain entry (directory entries carry their type) and follows a symbolic link only when it
 * leads outside the root: a link to a folder inside the root is remembered as an alias of
 * that folder (so imports through it resolve), and a link back to a folder being walked is
 * a SYMLINK_LOOP warning, never a hang.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { messageOf } from '../../common/errors.js';
import type { Warning } from '../model.js';
import type { PathMatcher } from './glob.js';
import { isConfigFile, isSkippedDir, isTestDir, isTestFile, sourceLanguage } from './source-rules.js';

export interface WalkOptions {
  include: PathMatcher | undefined;
  exclude: PathMatcher;
  includeTests: boolean;
}

export interface TreeListing {
  /** Source files to analyze, relative to the root with `/`, sorted. */
  sources: string[];
  /** Every other file seen (declarations, assets, tests and excluded sources): imports of them are not "unresolved". */
  otherFiles: Set<string>;
  /** tsconfig.json, jsconfig.json and tsconfig.*.json files. */
  configs: string[];
  manifests: string[];
  pnpmWorkspaces: string[];
  /** Symbolic links to something else inside the root: link path -> target path. */
  links: Map<string, string>;
  warnings: Warning[];
}

const toPosix = (path: string): string => (sep === '/' ? path : path.split(sep).join('/'));

export function walkTree(root: string, options: WalkOptions): TreeListing {
  const listing: TreeListing = {
    sources: [],
    otherFiles: new Set(),
    configs: [],
    manifests: [],
    pnpmWorkspaces: [],
    links: new Map(),
    warnings: [],
  };
  const rootReal = realpathSync(root);
  const walkedOutside = new Set<string>();
  const insideRoot = (real: string): boolean => real === rootReal || real.startsWith(rootReal + sep);

  /**
   * `knownOnly`: inside a test folder (tests not included) or an excluded folder. Its files are
   * known (an import of one is not "unresolved") but never analyzed, and configure nothing.
   */
  const onFile = (path: string, name: string, knownOnly: boolean): void => {
    if (knownOnly) {
      listing.otherFiles.add(path);
      return;
    }
    if (sourceLanguage(name) !== undefined) {
      const wanted =
        (options.includeTests || !isTestFile(name)) && !options.exclude(path) && (options.include === undefined || options.include(path));
      if (wanted) listing.sources.push(path);
      else listing.otherFiles.add(path);
      return;
    }
    listing.otherFiles.add(path);
    if (name === 'package.json') listing.manifests.push(path);
    else if (name === 'pnpm-workspace.yaml') listing.pnpmWorkspaces.push(path);
    else if (isConfigFile(name)) listing.configs.push(path);
  };

  const leftOut = (path: string, name: string): boolean => (!options.includeTests && isTestDir(name)) || options.exclude(path);

  const onLink = (full: string, path: string, name: string, currentReal: string, knownOnly: boolean): void => {
    let target: string;
    let isDirectory: boolean;
    try {
      target = realpathSync(full);
      isDirectory = statSync(target).isDirectory();
    } catch (error) {
      listing.warnings.push({ code: 'UNREADABLE', path, message: `${path} is a broken symbolic link (${messageOf(error)}); skipped.` });
      return;
    }
    if (!isDirectory) {
      if (insideRoot(target)) listing.links.set(path, toPosix(relative(rootReal, target)));
      else onFile(path, name, knownOnly);
      return;
    }
    if (isSkippedDir(name)) return;
    if (currentReal === target || currentReal.startsWith(target + sep)) {
      listing.warnings.push({
        code: 'SYMLINK_LOOP',
        path,
        message: `${path} links back to a folder that contains it (a symlink loop); not followed.`,
      });
      return;
    }
    if (insideRoot(target)) {
      listing.links.set(path, toPosix(relative(rootReal, target)));
      return;
    }
    if (walkedOutside.has(target)) return;
    walkedOutside.add(target);
    walk(full, path, target, knownOnly || leftOut(path, name));
  };

  function walk(dir: string, rel: string, real: string, knownOnly: boolean): void {
    let entries: Dirent[];
    try {
      // Sorted, so that which of two links to one folder is followed does not depend on the file system.
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => comparePaths(a.name, b.name));
    } catch (error) {
      listing.warnings.push({ code: 'UNREADABLE', path: rel || '.', message: `cannot list ${rel || '.'}: ${messageOf(error)}` });
      return;
    }
    for (const entry of entries) {
      const name = entry.name;
      const path = rel === '' ? name : `${rel}/${name}`;
      if (entry.isSymbolicLink()) onLink(join(dir, name), path, name, real, knownOnly);
      else if (entry.isDirectory()) {
        if (!isSkippedDir(name)) walk(join(dir, name), path, real + sep + name, knownOnly || leftOut(path, name));
      } else if (entry.isFile()) onFile(path, name, knownOnly);
    }
  }

  walk(root, '', rootReal, false);
  listing.sources.sort(comparePaths);
  listing.configs.sort(comparePaths);
  listing.manifests.sort(comparePaths);
  listing.pnpmWorkspaces.sort(comparePaths);
  return listing;
}

/** Plain code-unit order: deterministic across platforms and locales. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
