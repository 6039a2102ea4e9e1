/**
 * The reference partition of a real repository, derived from its own module layout:
 *
 * - `nest-modules`: NestJS says what a module is. Every folder holding a `*.module.ts` is a
 *   module; a file belongs to the nearest such folder above it. The folder of
 *   `app.module.ts` (the root module: composition, not a capability) and files under no
 *   module folder at all (common/, helpers, libs) form the shared kernel.
 * - `folders`: below the deepest folder shared by all files, descend through folders that
 *   hold only folders (src/, src/modules/); the first folder holding files is the module.
 *   Files directly in a container folder form the shared kernel.
 */
import { SHARED_LABEL } from '../../analyzer/compare/index.js';

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

export function nestModulesLayout(files: readonly string[]): Map<string, string> {
  const moduleDirs = new Set(files.filter((path) => /\.module\.[cm]?[jt]s$/.test(path)).map(dirOf));
  const rootDirs = new Set(files.filter((path) => /(^|\/)app\.module\.[cm]?[jt]s$/.test(path)).map(dirOf));
  const partition = new Map<string, string>();
  for (const path of files) {
    let dir = dirOf(path);
    let label = SHARED_LABEL;
    for (;;) {
      if (rootDirs.has(dir)) break;
      if (moduleDirs.has(dir)) {
        label = dir;
        break;
      }
      if (dir === '') break;
      dir = dirOf(dir);
    }
    partition.set(path, label);
  }
  return partition;
}

export function foldersLayout(files: readonly string[]): Map<string, string> {
  const dirsWithFiles = new Set(files.map(dirOf));
  const common =
    files.map(dirOf).reduce<string[] | undefined>((prefix, dir) => {
      const parts = dir === '' ? [] : dir.split('/');
      if (!prefix) return parts;
      let i = 0;
      while (i < prefix.length && prefix[i] === parts[i]) i++;
      return prefix.slice(0, i);
    }, undefined) ?? [];
  const partition = new Map<string, string>();
  for (const path of files) {
    const parts = dirOf(path).split('/').filter(Boolean);
    let depth = common.length;
    let label = SHARED_LABEL;
    while (depth < parts.length) {
      const dir = parts.slice(0, depth + 1).join('/');
      if (dirsWithFiles.has(dir)) {
        label = dir;
        break;
      }
      depth++;
    }
    partition.set(path, label);
  }
  return partition;
}
