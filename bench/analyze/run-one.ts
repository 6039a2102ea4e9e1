/**
 * Runs ONE tool on ONE directory in this (fresh) process and prints one JSON line:
 * { tool, files, edges, ms, maxRssMb }. Time is measured around the tool call only.
 */
import { join, resolve } from 'node:path';
import { analyzeProject } from '../../analyzer/analyze-project.js';
import { extractProject } from '../../analyzer/extract/index.js';

type Result = { files: number; edges: number };

async function runStrangler(dir: string): Promise<Result> {
  const result = await extractProject(dir);
  return { files: result.modules.length, edges: result.edges.length };
}

/** The whole of `strangler analyze` (graph, routes, tables, boundaries, analysis.json), without git history. */
async function runStranglerFull(dir: string): Promise<Result> {
  const analysis = await analyzeProject(dir, { git: false });
  JSON.stringify(analysis);
  return { files: analysis.stats.files, edges: analysis.stats.edges };
}

async function runMadge(dir: string): Promise<Result> {
  const { default: madge } = (await import('madge')) as {
    default: (path: string, config: object) => Promise<{ obj(): Record<string, string[]> }>;
  };
  const graph = (
    await madge(dir, {
      fileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs'],
      tsConfig: join(dir, 'tsconfig.json'),
      excludeRegExp: [/node_modules/],
    })
  ).obj();
  return { files: Object.keys(graph).length, edges: Object.values(graph).reduce((n, deps) => n + deps.length, 0) };
}

async function runDepcruise(dir: string): Promise<Result> {
  const api = (await import('dependency-cruiser')) as {
    cruise: (files: string[], options: object, resolve?: object, transpile?: object) => Promise<{ output: unknown }>;
  };
  const { default: extractTSConfig } = (await import('dependency-cruiser/config-utl/extract-ts-config')) as {
    default: (file: string) => object;
  };
  const tsConfigFile = join(dir, 'tsconfig.json');
  const result = await api.cruise(
    [dir],
    {
      doNotFollow: { path: 'node_modules' },
      exclude: { path: 'node_modules' },
      tsConfig: { fileName: tsConfigFile },
      tsPreCompilationDeps: true,
    },
    { extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs'] },
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  const output = result.output as {
    modules: Array<{ dependencies: Array<{ resolved: string; coreModule?: boolean }>; coreModule?: boolean; couldNotResolve?: boolean }>;
  };
  const local = output.modules.filter((m) => !m.coreModule && !m.couldNotResolve);
  return { files: local.length, edges: local.reduce((n, m) => n + m.dependencies.filter((d) => !d.coreModule).length, 0) };
}

const RUNNERS: Record<string, (dir: string) => Promise<Result>> = {
  strangler: runStrangler,
  'strangler-full': runStranglerFull,
  madge: runMadge,
  depcruise: runDepcruise,
};

const [tool = '', given = ''] = process.argv.slice(2);
const dir = given === '' ? '' : resolve(given);
const runner = RUNNERS[tool];
if (!runner || dir === '') {
  process.stderr.write(`usage: run-one.ts <${Object.keys(RUNNERS).join('|')}> <dir>\n`);
  process.exitCode = 2;
} else {
  const started = performance.now();
  const result = await runner(dir);
  const ms = performance.now() - started;
  process.stdout.write(
    JSON.stringify({ tool, ...result, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n',
  );
}
