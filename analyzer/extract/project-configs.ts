/**
 * The analyzed project's TypeScript settings that change how imports resolve: `baseUrl`
 * and `paths` of every tsconfig.json/jsconfig.json in the tree (through `extends` chains,
 * `${configDir}` included), each applying to the files below its folder (the nearest one
 * wins); a solution-style config (`files: []` + `references`) lends its files the settings of
 * the projects it references. `outDir` marks build output to leave out, and `outDir` ->
 * `rootDir` maps a package's build output back to its source.
 */
import { join, posix, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import type { Warning } from '../model.js';
import { createConfigHost } from './config-host.js';
import { asRecord, asStringList } from './json-values.js';
import type { OutputMapping } from './package-entries.js';
import type { Manifest } from './workspaces.js';

export interface PathPattern {
  /** `@app/*` split at its `*` (no wildcard: prefix is the whole pattern). */
  prefix: string;
  suffix: string;
  wildcard: boolean;
  /** Root-relative targets, `*` still in them. */
  targets: string[];
}

export interface ResolutionSettings {
  /** Root-relative `baseUrl`, if set. */
  baseUrl: string | undefined;
  /** Most specific first: exact patterns, then the longest prefix. */
  paths: PathPattern[];
}

export interface ProjectConfigs {
  /** Folder (root-relative, '' for the root) -> settings to try in order. */
  scopes: Map<string, ResolutionSettings[]>;
  /** Build output folders (root-relative) to leave out of the analysis. */
  outDirs: string[];
  outputMappings: OutputMapping[];
}

interface ParsedConfig {
  file: string;
  dir: string;
  settings: ResolutionSettings | undefined;
  references: string[];
  outDirs: string[];
  rootDir: string | undefined;
}

/** Config diagnostics that do not matter here: no inputs (we never list files), option names this TypeScript does not know. */
const IGNORED_DIAGNOSTICS = new Set([18003, 5023, 5024, 5025, 5101, 5102, 5107, 5108]);

function comparePatterns(a: PathPattern, b: PathPattern): number {
  if (a.wildcard !== b.wildcard) return a.wildcard ? 1 : -1;
  return b.prefix.length - a.prefix.length || b.suffix.length - a.suffix.length;
}

export function readProjectConfigs(
  root: string,
  configFiles: readonly string[],
  packages: ReadonlyMap<string, Manifest>,
  warnings: Warning[],
): ProjectConfigs {
  const host = createConfigHost(root, packages);
  const toRel = (path: string): string => {
    const rel = relative(root, path);
    return sep === '/' ? rel : rel.split(sep).join('/');
  };

  const parse = (file: string): ParsedConfig | undefined => {
    const absolute = join(root, file);
    const text = host.readFile(absolute);
    const read = text === undefined ? undefined : ts.parseConfigFileTextToJson(absolute, text);
    if (read === undefined || read.error) {
      const reason = read?.error ? ts.flattenDiagnosticMessageText(read.error.messageText, ' ') : 'unreadable';
      warnings.push({ code: 'TSCONFIG_INVALID', path: file, message: `cannot parse ${file} (${reason}); its path aliases are not used.` });
      return undefined;
    }
    const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    const parsed = ts.parseJsonConfigFileContent(read.config, host, join(root, dir), undefined, absolute);
    const problem = parsed.errors.find((error) => !IGNORED_DIAGNOSTICS.has(error.code));
    if (problem) {
      const reason = ts.flattenDiagnosticMessageText(problem.messageText, ' ').replace(/\.$/, '');
      // 6053: "File '…' not found." — usually an `extends` of a package that is not installed.
      const hint = problem.code === 6053 ? ' (install the dependencies so the base config it extends can be read)' : '';
      warnings.push({
        code: 'TSCONFIG_INVALID',
        path: file,
        message: `${file}: ${reason}; the settings that could be read are used${hint}.`,
      });
    }
    const options = parsed.options;
    const pathsBase = options['pathsBasePath'];
    const base = options.baseUrl ?? (typeof pathsBase === 'string' ? pathsBase : join(root, dir));
    const paths: PathPattern[] = Object.entries(options.paths ?? {})
      .map(([pattern, targets]) => {
        const star = pattern.indexOf('*');
        return {
          prefix: star === -1 ? pattern : pattern.slice(0, star),
          suffix: star === -1 ? '' : pattern.slice(star + 1),
          wildcard: star !== -1,
          targets: targets.map((target) => toRel(resolve(base, target))),
        };
      })
      .sort(comparePatterns);
    const baseUrl = options.baseUrl === undefined ? undefined : toRel(options.baseUrl);
    const include = asStringList(asRecord(parsed.raw)?.include);
    const firstInclude = include.length === 1 ? /^(?:\.\/)?([\w@.-]+(?:\/[\w@.-]+)*)/.exec(include[0] ?? '')?.[1] : undefined;
    const rootDir =
      options.rootDir !== undefined ? toRel(options.rootDir) : firstInclude !== undefined ? posix.join(dir, firstInclude) : undefined;
    return {
      file,
      dir,
      settings: baseUrl === undefined && paths.length === 0 ? undefined : { baseUrl, paths },
      references: (parsed.projectReferences ?? []).map((reference) => {
        const target = toRel(reference.path);
        return target.endsWith('.json') ? target : posix.join(target, 'tsconfig.json');
      }),
      outDirs: [options.outDir, options.declarationDir].filter((out) => out !== undefined).map(toRel),
      rootDir,
    };
  };

  const parsed = new Map<string, ParsedConfig>();
  for (const file of configFiles) {
    const config = parse(file);
    if (config) parsed.set(file, config);
  }

  const scopes = new Map<string, ResolutionSettings[]>();
  const outDirs: string[] = [];
  const outputMappings: OutputMapping[] = [];
  for (const config of parsed.values()) {
    const name = posix.basename(config.file);
    if (name === 'tsconfig.json' || (name === 'jsconfig.json' && !parsed.has(posix.join(config.dir, 'tsconfig.json')))) {
      const variants = [config.settings, ...config.references.map((reference) => parsed.get(reference)?.settings)];
      scopes.set(
        config.dir,
        variants.filter((settings) => settings !== undefined),
      );
    }
    for (const out of config.outDirs) {
      const within = (inner: string | undefined): boolean =>
        inner !== undefined && (inner === out || out === '' || inner.startsWith(out + '/'));
      // An outDir that holds the config or its sources is not build output we can skip.
      if (out === '' || out.startsWith('../') || within(config.dir) || within(config.rootDir)) continue;
      outDirs.push(out);
      outputMappings.push({ outDir: out, rootDir: config.rootDir ?? config.dir });
    }
  }
  return { scopes, outDirs: [...new Set(outDirs)], outputMappings };
}
