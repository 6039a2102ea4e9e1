/**
 * Finds the source files to analyze: every .ts/.tsx/.js/.jsx/.mjs/.cjs/.mts/.cts file under
 * the root, minus dependencies, build output, declaration files and tests (unless asked),
 * following symlinks only once (a loop is a warning, not a hang).
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Warning } from '../model.js';
import { globMatcher } from './glob.js';

export const SOURCE_EXTENSION = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  'bower_components',
]);
const TEST_DIRS = new Set(['__tests__', '__mocks__', 'test', 'tests', 'e2e', '__fixtures__']);
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const DECLARATION = /\.d\.[cm]?ts$/;

export interface DiscoverOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  includeTests?: boolean;
  /** Which file names count (default: source files). */
  fileName?: RegExp;
}

export interface Discovered {
  /** Paths relative to the root with `/`, sorted. */
  files: string[];
  warnings: Warning[];
}

export function discoverSources(root: string, options: DiscoverOptions = {}): Discovered {
  const included = options.include && options.include.length > 0 ? globMatcher(options.include) : undefined;
  const excluded = globMatcher(options.exclude ?? []);
  const wanted = options.fileName ?? SOURCE_EXTENSION;
  const files: string[] = [];
  const warnings: Warning[] = [];
  const seen = new Set<string>();

  const walk = (dir: string, rel: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) {
      warnings.push({
        code: 'SYMLINK_LOOP',
        path: rel || '.',
        message: `${rel || '.'} leads back to a folder already read (a symlink loop or a second link); read once.`,
      });
      return;
    }
    seen.add(real);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (error) {
      warnings.push({ code: 'UNREADABLE', path: rel || '.', message: `cannot list ${rel || '.'}: ${(error as Error).message}` });
      return;
    }
    for (const name of entries) {
      const full = join(dir, name);
      const path = rel === '' ? name : `${rel}/${name}`;
      let info;
      try {
        info = lstatSync(full).isSymbolicLink() ? statSync(full) : lstatSync(full);
      } catch {
        warnings.push({ code: 'UNREADABLE', path, message: `${path} is a broken link or cannot be read; skipped.` });
        continue;
      }
      if (info.isDirectory()) {
        if (SKIPPED_DIRS.has(name) || name.startsWith('.')) continue;
        if (!options.includeTests && TEST_DIRS.has(name)) continue;
        if (excluded(path) || excluded(`${path}/`)) continue;
        walk(full, path);
      } else if (info.isFile() && wanted.test(name) && !DECLARATION.test(name)) {
        if (!options.includeTests && TEST_FILE.test(name)) continue;
        if (excluded(path) || (included && !included(path))) continue;
        files.push(path);
      }
    }
  };
  walk(root, '');
  return { files: files.sort(), warnings };
}
