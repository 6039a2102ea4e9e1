/**
 * Which files are sources and which are left out by default: dependencies, build output,
 * declaration files and tests. Fixtures of the analyzed project are kept: they are code the
 * team maintains.
 */
import type { SourceLanguage } from '../model.js';

const LANGUAGES: ReadonlyMap<string, SourceLanguage> = new Map([
  ['ts', 'ts'],
  ['tsx', 'tsx'],
  ['js', 'js'],
  ['jsx', 'jsx'],
  ['mjs', 'mjs'],
  ['cjs', 'cjs'],
  ['mts', 'mts'],
  ['cts', 'cts'],
  // Single-file components: their <script> elements are read (component-scripts.ts).
  ['vue', 'vue'],
  ['svelte', 'svelte'],
]);

const DECLARATION = /\.d\.[cm]?ts$|\.d\.[^./]+\.[cm]?ts$/;
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** Folders never walked: dependencies, version control and build output. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'dist',
  'build',
  'out',
  'coverage',
  'storybook-static',
]);

/** Test folders, left out unless `includeTests`. */
const TEST_DIRS: ReadonlySet<string> = new Set(['__tests__', '__mocks__', 'test', 'tests', 'e2e']);

/** The language of a source file, or undefined when the file is not a source file (`.d.ts` included). */
export function sourceLanguage(name: string): SourceLanguage | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const language = LANGUAGES.get(name.slice(dot + 1));
  return language === undefined || DECLARATION.test(name) ? undefined : language;
}

export const isDeclarationFile = (name: string): boolean => DECLARATION.test(name);

export const isTestFile = (name: string): boolean => TEST_FILE.test(name);

/** Folders never walked. Hidden folders (`.git`, `.next`, `.nuxt`, `.turbo`…) are all left out. */
export function isSkippedDir(name: string): boolean {
  return name.startsWith('.') || SKIPPED_DIRS.has(name);
}

/** Test folders: walked (so imports of their files are known) but their files are not analyzed unless tests are included. */
export const isTestDir = (name: string): boolean => TEST_DIRS.has(name);

export const isConfigFile = (name: string): boolean => /^[tj]sconfig(\.[\w.-]+)?\.json$/.test(name);
