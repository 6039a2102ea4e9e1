/**
 * The extract stage: from a directory on disk to the import graph. One walk of the tree,
 * configuration parsed (never executed), one read and one parse per source file (signal
 * collectors see the same tree), then resolution in memory. Nothing inside the root is ever
 * written, executed or `require`d.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger } from '../../common/logger.js';
import { NUXT_APP_EVIDENCE, type Warning } from '../model.js';
import { globMatcher } from './glob.js';
import { buildImportGraph } from './import-graph.js';
import { parseSources } from './parse-sources.js';
import { readProjectConfigs } from './project-configs.js';
import { Resolver } from './resolver.js';
import { BarrelOrigins } from './barrel-origins.js';
import { TypeExports } from './type-exports.js';
import type { CollectorContext, ExtractOptions, ExtractResult, FileCollector } from './types.js';
import { comparePaths, walkTree } from './walk-tree.js';
import { nuxtAppFiles } from './nuxt-app.js';
import { readWorkflows, toolRunFiles } from './package-scripts.js';
import { readRepoPackages } from './workspaces.js';

const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

function assertDirectory(root: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new StranglerError('ANALYZE_NO_DIRECTORY', `${root} is not a directory. Give the root folder of the repository to analyze.`, {
      details: { root },
    });
  }
}

const compareWarnings = (a: Warning, b: Warning): number =>
  comparePaths(a.path ?? '', b.path ?? '') || comparePaths(a.code, b.code) || comparePaths(a.message, b.message);

export async function extractProject(
  root: string,
  options: ExtractOptions = {},
  collectors: readonly FileCollector[] = [],
): Promise<ExtractResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const progress = options.onProgress ?? (() => undefined);
  assertDirectory(root);
  const absoluteRoot = resolve(root);

  progress({ phase: 'discover', done: 0, total: 1 });
  const listing = walkTree(absoluteRoot, {
    include: options.include && options.include.length > 0 ? globMatcher(options.include) : undefined,
    exclude: globMatcher(options.exclude ?? []),
    includeTests: options.includeTests ?? false,
  });
  const warnings: Warning[] = [...listing.warnings];
  const packages = readRepoPackages(absoluteRoot, listing.manifests, listing.pnpmWorkspaces, warnings);
  const configs = readProjectConfigs(absoluteRoot, listing.configs, packages.byName, warnings);
  const isBuildOutput = (path: string): boolean => configs.outDirs.some((out) => path.startsWith(out + '/'));
  const sources = listing.sources.filter((path) => !isBuildOutput(path));
  for (const path of listing.sources) if (isBuildOutput(path)) listing.otherFiles.add(path);
  progress({ phase: 'discover', done: 1, total: 1 });
  const discovered = performance.now();
  logger.debug('discovered sources', {
    files: sources.length,
    configs: listing.configs.length,
    packages: packages.byName.size,
    ms: Math.round(discovered - started),
  });
  if (sources.length === 0) {
    throw new StranglerError(
      'ANALYZE_NO_SOURCES',
      `No .ts/.tsx/.js/.jsx/.mjs/.cjs/.mts/.cts/.vue/.svelte source files under ${root} (node_modules, build output, .d.ts files and tests are left out). Check the path, or widen the selection with include/includeTests.`,
      { details: { root } },
    );
  }

  const parsed = await parseSources(absoluteRoot, sources, {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    collectors,
    progress: (done, total) => progress({ phase: 'parse', done, total }),
  });
  warnings.push(...parsed.warnings);
  for (const path of parsed.skipped) listing.otherFiles.add(path);
  const moduleSet = new Set(parsed.modules.map((module) => module.path));

  const parsedAt = performance.now();
  logger.debug('parsed sources', { modules: moduleSet.size, ms: Math.round(parsedAt - discovered) });
  progress({ phase: 'resolve', done: 0, total: parsed.refs.size });
  const existsOutside = (path: string): boolean => {
    try {
      return statSync(join(absoluteRoot, path)).isFile();
    } catch {
      return false;
    }
  };
  const resolver = new Resolver({
    modules: moduleSet,
    otherFiles: listing.otherFiles,
    links: listing.links,
    configs,
    packages,
    existsOutside,
  });
  const resolveRef = (from: string, specifier: string) => resolver.resolve(from, specifier);
  const typeExports = new TypeExports(parsed.exports, resolveRef);
  const graph = buildImportGraph(parsed.refs, resolveRef, typeExports, {
    barrels: new BarrelOrigins(parsed.exports, resolveRef, typeExports),
    markup: parsed.markup,
  });
  progress({ phase: 'resolve', done: parsed.refs.size, total: parsed.refs.size });

  const context: CollectorContext = {
    root,
    modules: moduleSet,
    resolveImport: (fromPath, specifier) => {
      const resolution = resolver.resolve(fromPath, specifier);
      return resolution.kind === 'file' ? resolution.path : undefined;
    },
  };
  for (const collector of collectors) {
    try {
      collector.finish(context);
    } catch (error) {
      warnings.push({
        code: 'COLLECTOR_ERROR',
        message: `a signal collector failed while finishing: ${messageOf(error)}; the run goes on.`,
      });
    }
  }

  const durationMs = Math.round(performance.now() - started);
  logger.debug('extracted import graph', {
    modules: moduleSet.size,
    edges: graph.edges.length,
    unresolved: graph.unresolved.length,
    durationMs,
  });
  return {
    root,
    modules: parsed.modules.sort((a, b) => comparePaths(a.path, b.path)),
    edges: graph.edges,
    couplingEdges: graph.couplingEdges,
    unresolved: graph.unresolved,
    externals: graph.externals,
    uiImports: withNuxtApp(
      graph.uiImports,
      parsed.modules.map((module) => module.path),
    ),
    scriptRuns: toolRunFiles(packages.manifests.values(), moduleSet, readWorkflows(absoluteRoot)),
    warnings: warnings.sort(compareWarnings),
    stats: { discovered: sources.length, nonLiteralImports: parsed.nonLiteralImports, durationMs },
  };
}

/** The UI evidence with a Nuxt app's own files added (what they import, when they import a framework, stays). */
function withNuxtApp(uiImports: Record<string, string>, paths: readonly string[]): Record<string, string> {
  const app = nuxtAppFiles(paths);
  if (app.length === 0) return uiImports;
  const merged = { ...uiImports };
  for (const path of app) merged[path] ??= NUXT_APP_EVIDENCE;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => comparePaths(a, b)));
}
