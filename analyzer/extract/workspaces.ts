/**
 * The packages that live inside the analyzed repository, by name, so that
 * `import { cents } from '@acme/money'` resolves to that package's source with no
 * node_modules installed. Workspace members come from package.json `workspaces` (an array or
 * `{ packages }`) and pnpm-workspace.yaml `packages` (with `!` exclusions). A repository that
 * declares no workspace (lerna, hand-rolled monorepos) gets every named package.json in it.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { messageOf } from '../../common/errors.js';
import type { Warning } from '../model.js';
import { globMatcher } from './glob.js';
import { asRecord, asString, asStringList } from './json-values.js';

export interface Manifest {
  /** Folder relative to the root ('' for the root). */
  dir: string;
  name: string | undefined;
  exports: unknown;
  /** The `imports` field (`#internal/*` subpath imports). */
  imports: unknown;
  /** `module`, `main`, `types`, `typings`, in that order. */
  entries: string[];
  /** `main` alone: what Node uses when a folder is imported. */
  main: string | undefined;
  /** The `tsconfig` field some shared-config packages set. */
  tsconfig: string | undefined;
  /** `scripts`: name → command (package-scripts.ts reads the files they run). */
  scripts: Record<string, string>;
}

export interface RepoPackages {
  /** Every package.json by folder. */
  manifests: Map<string, Manifest>;
  /** Packages that imports can name, by package name. */
  byName: Map<string, Manifest>;
}

const dirOf = (file: string): string => (posix.dirname(file) === '.' ? '' : posix.dirname(file));

function readManifest(root: string, file: string, warnings: Warning[]): { manifest: Manifest; workspaces: string[] } | undefined {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = asRecord(JSON.parse(readFileSync(join(root, file), 'utf8')));
  } catch (error) {
    warnings.push({ code: 'PACKAGE_JSON_INVALID', path: file, message: `cannot parse ${file} (${messageOf(error)}); it is ignored.` });
    return undefined;
  }
  if (raw === undefined) return undefined;
  const workspacesField = raw.workspaces;
  const workspaces = Array.isArray(workspacesField) ? asStringList(workspacesField) : asStringList(asRecord(workspacesField)?.packages);
  const manifest: Manifest = {
    dir: dirOf(file),
    name: asString(raw.name),
    exports: raw.exports,
    imports: raw.imports,
    entries: ['module', 'main', 'types', 'typings'].map((key) => asString(raw[key])).filter((entry) => entry !== undefined),
    main: asString(raw.main),
    tsconfig: asString(raw.tsconfig),
    scripts: Object.fromEntries(
      Object.entries(asRecord(raw.scripts) ?? {}).flatMap(([name, command]) => (typeof command === 'string' ? [[name, command]] : [])),
    ),
  };
  return { manifest, workspaces };
}

function readPnpmWorkspace(root: string, file: string, warnings: Warning[]): string[] {
  try {
    return asStringList(asRecord(parseYaml(readFileSync(join(root, file), 'utf8')))?.packages);
  } catch (error) {
    warnings.push({
      code: 'WORKSPACE_INVALID',
      path: file,
      message: `cannot parse ${file} (${messageOf(error)}); its packages are not linked.`,
    });
    return [];
  }
}

/** Folders (below `base`) that a list of workspace globs selects. */
function members(base: string, patterns: readonly string[], dirs: readonly string[]): string[] {
  const clean = (pattern: string): string => pattern.replace(/^!/, '').replace(/^\.\//, '');
  const included = globMatcher(patterns.filter((p) => !p.startsWith('!')).map(clean), { exact: true });
  const excluded = globMatcher(patterns.filter((p) => p.startsWith('!')).map(clean), { exact: true });
  const out: string[] = [];
  for (const dir of dirs) {
    if (dir === base || (base !== '' && !dir.startsWith(base + '/'))) continue;
    const inner = base === '' ? dir : dir.slice(base.length + 1);
    if (included(inner) && !excluded(inner)) out.push(dir);
  }
  return out;
}

export function readRepoPackages(
  root: string,
  manifestFiles: readonly string[],
  pnpmFiles: readonly string[],
  warnings: Warning[],
): RepoPackages {
  const manifests = new Map<string, Manifest>();
  const workspaceRoots: Array<{ dir: string; patterns: string[] }> = [];
  for (const file of manifestFiles) {
    const read = readManifest(root, file, warnings);
    if (!read) continue;
    manifests.set(read.manifest.dir, read.manifest);
    if (read.workspaces.length > 0) workspaceRoots.push({ dir: read.manifest.dir, patterns: read.workspaces });
  }
  for (const file of pnpmFiles) {
    const patterns = readPnpmWorkspace(root, file, warnings);
    if (patterns.length > 0) workspaceRoots.push({ dir: dirOf(file), patterns });
  }

  const dirs = [...manifests.keys()];
  const linked =
    workspaceRoots.length === 0
      ? dirs
      : [
          ...workspaceRoots.map((workspace) => workspace.dir),
          ...workspaceRoots.flatMap((workspace) => members(workspace.dir, workspace.patterns, dirs)),
        ];
  const byName = new Map<string, Manifest>();
  for (const dir of linked) {
    const manifest = manifests.get(dir);
    if (manifest?.name !== undefined && !byName.has(manifest.name)) byName.set(manifest.name, manifest);
  }
  return { manifests, byName };
}
