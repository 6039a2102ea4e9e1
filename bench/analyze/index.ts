/**
 * bench/analyze: the import-graph stage of `strangler analyze` against madge and
 * dependency-cruiser on the same generated codebases, in one run, each measurement in a
 * fresh process (cold). Prints a table, then one line of JSON.
 *
 *   node --import tsx bench/analyze/index.ts [--quick] [--repo <dir>]
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { generateCodebase } from './generate.js';

interface Run {
  tool: string;
  files: number;
  edges: number;
  ms: number;
  maxRssMb: number;
  timedOut?: boolean;
  /** Why the tool did not finish: a timeout or its own error. */
  failure?: string;
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const tsx = createRequire(import.meta.url).resolve('tsx');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repoIndex = args.indexOf('--repo');
const repo = repoIndex === -1 ? undefined : args[repoIndex + 1];
const PEER_TIMEOUT_MS = quick ? 40_000 : 240_000;

function runOne(tool: string, dir: string, timeoutMs: number): Run {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', tsx, join(ROOT, 'bench', 'analyze', 'run-one.ts'), tool, dir], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 24,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.error || child.status !== 0 || !line.startsWith('{')) {
    const timedOut = child.signal === 'SIGTERM' || (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    const error = /^(\w*Error: .*)$/m.exec(child.stderr)?.[1] ?? `exit ${String(child.status)}`;
    return {
      tool,
      files: 0,
      edges: 0,
      ms: Math.round(performance.now() - started),
      maxRssMb: 0,
      timedOut,
      failure: timedOut ? `timeout after ${timeoutMs / 1000} s` : error,
    };
  }
  return JSON.parse(line) as Run;
}

const median = (runs: Run[]): Run =>
  [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)] ?? runs[0] ?? { tool: '?', files: 0, edges: 0, ms: 0, maxRssMb: 0 };

const inputs: Array<{ name: string; dir: string }> = quick
  ? [{ name: 'generated-1200', dir: generateCodebase(join(ROOT, 'bench', '.work', 'gen-1200'), 1200) }]
  : [
      { name: 'generated-3000', dir: generateCodebase(join(ROOT, 'bench', '.work', 'gen-3000'), 3000) },
      { name: 'generated-10000', dir: generateCodebase(join(ROOT, 'bench', '.work', 'gen-10000'), 10000) },
    ];
if (repo) inputs.push({ name: `repo:${repo}`, dir: resolve(repo) });

const results = inputs.map((input) => {
  const ours = median(Array.from({ length: quick ? 1 : 3 }, () => runOne('strangler', input.dir, 120_000)));
  const full = median(Array.from({ length: quick ? 1 : 3 }, () => runOne('strangler-full', input.dir, 120_000)));
  const madge = runOne('madge', input.dir, PEER_TIMEOUT_MS);
  const depcruise = runOne('depcruise', input.dir, PEER_TIMEOUT_MS);
  return { input: input.name, ours, full, madge, depcruise };
});

const rows = [['input', 'tool', 'files', 'edges', 'seconds', 'files/s', 'peak RSS MB', '× our time']];
for (const { input, ours, full, madge, depcruise } of results) {
  for (const run of [ours, full, madge, depcruise]) {
    rows.push([
      input,
      run.tool,
      String(run.files),
      String(run.edges),
      run.failure ? (run.timedOut ? `>${(run.ms / 1000).toFixed(0)}` : 'failed') : (run.ms / 1000).toFixed(2),
      run.failure ? '-' : String(Math.round((run.files / run.ms) * 1000)),
      String(run.maxRssMb),
      run.failure
        ? run.timedOut
          ? `>${(run.ms / ours.ms).toFixed(0)}`
          : `failed after ${(run.ms / 1000).toFixed(0)} s`
        : (run.ms / ours.ms).toFixed(1),
    ]);
  }
}
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
for (const { input, madge, depcruise } of results) {
  for (const run of [madge, depcruise]) if (run.failure) console.log(`${input}: ${run.tool} did not finish: ${run.failure}`);
}
console.log(
  '\nMeasured: "strangler" is the import-graph stage (discover, parse, resolve), what madge and dependency-cruiser do;\n' +
    '"strangler-full" is the whole analysis (graph, routes, tables, boundaries, analysis.json; no git). Time around the tool call, fresh process.',
);

const first = results[0];
const last = results[results.length - 1];
const ratio = (peer: Run | undefined, ours: Run | undefined): number => (peer && ours ? Number((peer.ms / ours.ms).toFixed(2)) : 0);
console.log(
  JSON.stringify({
    bench: 'analyze',
    quick,
    filesPerSec: first ? Math.round((first.ours.files / first.ours.ms) * 1000) : 0,
    peakRssMb: last?.ours.maxRssMb ?? 0,
    vsMadge: ratio(first?.madge, first?.ours),
    vsDepcruise: ratio(first?.depcruise, first?.ours),
    fullFilesPerSec: first ? Math.round((first.full.files / first.full.ms) * 1000) : 0,
    fullPeakRssMb: last?.full.maxRssMb ?? 0,
    fullVsMadge: ratio(first?.madge, first?.full),
    fullVsDepcruise: ratio(first?.depcruise, first?.full),
    inputs: results.map((r) => ({
      input: r.input,
      files: r.ours.files,
      ours: r.ours,
      full: r.full,
      madge: r.madge,
      depcruise: r.depcruise,
    })),
  }),
);
