/**
 * The extract stage: from a directory on disk to the import graph, in one pass that reads
 * and parses each file once (TypeScript's parser, no type checker) and lets signal
 * collectors look at the same syntax tree. It never executes code from the analyzed
 * repository and never writes inside it.
 */
import { openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type ts from 'typescript';
import { StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ImportEdge, ImportRef, SourceLanguage, SourceModule, UnresolvedImport, Warning } from '../model.js';
import { discoverSources } from './discover.js';
import { parseImports } from './parse-imports.js';
import { readRepoPackages } from './packages.js';
import { readPathScopes } from './project-config.js';
import { Resolver } from './resolve.js';

export interface ParsedFile {
  path: string;
  text: string;
  sourceFile: ts.SourceFile;
}

export interface CollectorContext {
  root: string;
  modules: ReadonlySet<string>;
  resolveImport(fromPath: string, specifier: string): string | undefined;
}

/** A signal extractor that sees every parsed file, then the import resolver. */
export interface FileCollector {
  visit(file: ParsedFile): void;
  finish(context: CollectorContext): void;
}

export interface ExtractOptions {
  include?: string[];
  exclude?: string[];
  includeTests?: boolean;
  /** Files larger than this are skipped with a warning (default 1 MB). */
  maxFileBytes?: number;
  logger?: Logger;
  onProgress?: (event: { phase: 'discover' | 'parse' | 'resolve'; done: number; total: number }) => void;
}

export interface ExtractResult {
  root: string;
  modules: SourceModule[];
  edges: ImportEdge[];
  unresolved: UnresolvedImport[];
  externals: Record<string, number>;
  warnings: Warning[];
}

function isBinary(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).includes(0);
  } finally {
    closeSync(fd);
  }
}

const languageOf = (path: string): SourceLanguage => (/\.([a-z]+)$/.exec(path)?.[1] ?? 'ts') as SourceLanguage;

export async function extractProject(
  root: string,
  options: ExtractOptions = {},
  collectors: readonly FileCollector[] = [],
): Promise<ExtractResult> {
  const logger = options.logger ?? silentLogger;
  const progress = options.onProgress ?? (() => undefined);
  const maxBytes = options.maxFileBytes ?? 1024 * 1024;
  let rootInfo;
  try {
    rootInfo = statSync(root);
  } catch {
    rootInfo = undefined;
  }
  if (!rootInfo?.isDirectory()) {
    throw new StranglerError('ANALYZE_NO_DIRECTORY', `${root} is not a directory. Give the root folder of the repository to analyze.`);
  }

  progress({ phase: 'discover', done: 0, total: 1 });
  const discovered = discoverSources(root, {
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.includeTests === undefined ? {} : { includeTests: options.includeTests }),
  });
  const warnings: Warning[] = [...discovered.warnings];
  // Each tsconfig.json/jsconfig.json scopes the files below it; the files they extend come in through `extends`.
  const configs = discoverSources(root, { fileName: /^[tj]sconfig\.json$/, ...(options.exclude ? { exclude: options.exclude } : {}) });
  const manifests = discoverSources(root, { fileName: /^package\.json$/, ...(options.exclude ? { exclude: options.exclude } : {}) });
  progress({ phase: 'discover', done: 1, total: 1 });
  if (discovered.files.length === 0) {
    throw new StranglerError(
      'ANALYZE_NO_SOURCES',
      `No .ts/.tsx/.js/.jsx/.mjs/.cjs source files under ${root} (node_modules, build output, .d.ts and tests are left out). Check the path, or use --include.`,
    );
  }

  const modules: SourceModule[] = [];
  const refsByFile = new Map<string, ImportRef[]>();
  const typeExports = new Map<string, Set<string>>();
  let done = 0;
  for (const path of discovered.files) {
    const full = join(root, path);
    done++;
    if (done % 200 === 0) progress({ phase: 'parse', done, total: discovered.files.length });
    let text: string;
    try {
      const size = statSync(full).size;
      if (size > maxBytes) {
        warnings.push({
          code: 'FILE_TOO_LARGE',
          path,
          message: `${path} is ${Math.round(size / 1024)} KB, over the ${Math.round(maxBytes / 1024)} KB limit (likely generated or bundled); skipped.`,
        });
        continue;
      }
      if (isBinary(full)) {
        warnings.push({ code: 'BINARY_FILE', path, message: `${path} has binary content; skipped.` });
        continue;
      }
      text = readFileSync(full, 'utf8');
    } catch (error) {
      warnings.push({ code: 'UNREADABLE', path, message: `cannot read ${path}: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseImports(path, text);
    if (parsed.parseError !== undefined)
      warnings.push({
        code: 'PARSE_ERROR',
        path,
        message: `${path} has a syntax error (${parsed.parseError}); the imports that parsed are kept.`,
      });
    modules.push({ path, loc: parsed.loc, language: languageOf(path) });
    refsByFile.set(path, parsed.refs);
    if (parsed.typeExports.size > 0) typeExports.set(path, parsed.typeExports);
    for (const collector of collectors) {
      try {
        collector.visit({ path, text, sourceFile: parsed.sourceFile });
      } catch (error) {
        warnings.push({ code: 'COLLECTOR_ERROR', path, message: `a signal extractor failed on ${path}: ${(error as Error).message}` });
      }
    }
  }
  progress({ phase: 'parse', done: discovered.files.length, total: discovered.files.length });

  const moduleSet = new Set(modules.map((m) => m.path));
  const resolver = new Resolver(
    root,
    moduleSet,
    readPathScopes(root, configs.files, warnings),
    readRepoPackages(root, manifests.files, warnings),
  );
  const edges = new Map<string, { from: string; to: string; names: Set<string>; refs: ImportRef[] }>();
  const unresolved: UnresolvedImport[] = [];
  const externalUsers = new Map<string, Set<string>>();
  for (const [from, refs] of refsByFile) {
    for (const ref of refs) {
      const result = resolver.resolve(from, ref.specifier);
      if (result.kind === 'file') {
        if (result.path === from) continue;
        const key = `${from}\u0000${result.path}`;
        const edge = edges.get(key) ?? { from, to: result.path, names: new Set<string>(), refs: [] };
        for (const name of ref.names) edge.names.add(`${ref.kind === 'dynamic-import' || ref.kind === 'require' ? ref.kind : ''}:${name}`);
        edge.refs.push(ref);
        edges.set(key, edge);
      } else if (result.kind === 'external') {
        externalUsers.set(result.pkg, (externalUsers.get(result.pkg) ?? new Set()).add(from));
      } else if (result.kind === 'unresolved') {
        unresolved.push({ from, specifier: ref.specifier });
      }
    }
  }
  progress({ phase: 'resolve', done: 1, total: 1 });

  const importEdges: ImportEdge[] = [...edges.values()].map((edge) => {
    const typesOfTarget = typeExports.get(edge.to);
    const refIsTypeOnly = (ref: ImportRef): boolean =>
      ref.typeOnly || (typesOfTarget !== undefined && ref.names.length > 0 && ref.names.every((name) => typesOfTarget.has(name)));
    return {
      from: edge.from,
      to: edge.to,
      weight: Math.max(1, edge.names.size),
      typeOnly: edge.refs.every(refIsTypeOnly),
      dynamic: edge.refs.every((ref) => ref.kind === 'dynamic-import'),
    };
  });
  importEdges.sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1));

  for (const collector of collectors) {
    try {
      collector.finish({
        root,
        modules: moduleSet,
        resolveImport: (fromPath, specifier) => {
          const result = resolver.resolve(fromPath, specifier);
          return result.kind === 'file' ? result.path : undefined;
        },
      });
    } catch (error) {
      warnings.push({ code: 'COLLECTOR_ERROR', message: `a signal extractor failed: ${(error as Error).message}` });
    }
  }
  if (unresolved.length > 0) logger.debug('unresolved imports', { count: unresolved.length });

  return {
    root,
    modules,
    edges: importEdges,
    unresolved,
    externals: Object.fromEntries(
      [...externalUsers].map(([pkg, users]) => [pkg, users.size] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    warnings,
  };
}
