/**
 * bench/boundaries: how close the proposed service candidates come to a repository's real
 * module layout, against plain Louvain on the raw import graph, in one run, same scores
 * (MoJoFM, ARI, NMI, candidate count). Prints a table, then one line of JSON.
 *
 *   node --import tsx bench/boundaries/index.ts [--quick] [--no-git]
 *        [--repo <dir> [--include <glob,…>] [--expected <file.json|nest-modules|folders>] [--name <name>] [--commit <sha>]]…
 *
 * Without --repo: fixtures/shop-monolith (its expected-boundaries.json) and, when present,
 * bench/analyze's generated codebase (bench/.work/gen-*, folder layout). The inputs are
 * never fetched here; bench/boundaries/README.md says how to get the real repositories.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { proposeBoundaries, type BoundaryOptions } from '../../analyzer/boundaries/index.js';
import { collectProject } from '../../analyzer/collect-project.js';
import { comparePartitions, expectedPartition } from '../../analyzer/compare/index.js';
import type { ComparisonScores, ExpectedBoundaries, ExtractedProject } from '../../analyzer/model.js';
import { foldersLayout, nestModulesLayout } from './expected-layout.js';
import { plainLouvain } from './plain-louvain.js';

interface Input {
  name: string;
  dir: string;
  include: string[];
  expected: string;
  /** The commit analyzed, for inputs that are exports without .git. */
  commit?: string;
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const git = !args.includes('--no-git');

function parseInputs(): Input[] {
  const inputs: Input[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1] ?? '';
    const last = inputs[inputs.length - 1];
    if (args[i] === '--repo') {
      const dir = resolve(value);
      inputs.push({ name: dir.split('/').filter(Boolean).slice(-1)[0] ?? dir, dir, include: [], expected: 'auto' });
      i++;
    } else if (last && args[i] === '--include') {
      last.include = value.split(',').filter(Boolean);
      i++;
    } else if (last && args[i] === '--expected') {
      last.expected = value;
      i++;
    } else if (last && args[i] === '--name') {
      last.name = value;
      i++;
    } else if (last && args[i] === '--commit') {
      last.commit = value;
      i++;
    }
  }
  if (inputs.length > 0) return inputs;
  const shop = join(ROOT, 'fixtures', 'shop-monolith');
  const defaults: Input[] = [{ name: 'shop-monolith', dir: shop, include: [], expected: join(shop, 'expected-boundaries.json') }];
  const work = join(ROOT, 'bench', '.work');
  const generated = existsSync(work)
    ? readdirSync(work)
        .filter((name) => /^gen-\d+$/.test(name))
        .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    : [];
  const pick = quick ? generated[0] : generated[generated.length - 1];
  if (pick) defaults.push({ name: pick, dir: join(work, pick), include: [], expected: 'folders' });
  return defaults;
}

function expectedFor(input: Input, project: ExtractedProject): { partition: Map<string, string>; how: string } {
  const files = project.modules.map((module) => module.path);
  if (input.expected.endsWith('.json')) {
    const parsed = JSON.parse(readFileSync(input.expected, 'utf8')) as ExpectedBoundaries;
    return { partition: expectedPartition(parsed), how: input.expected.replace(ROOT + '/', '') };
  }
  const layout =
    input.expected === 'auto' ? (files.some((path) => /\.module\.ts$/.test(path)) ? 'nest-modules' : 'folders') : input.expected;
  return { partition: layout === 'nest-modules' ? nestModulesLayout(files) : foldersLayout(files), how: layout };
}

function commitOf(dir: string): string | undefined {
  const result = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const VARIANTS: Array<{ method: string; options: BoundaryOptions }> = [
  { method: 'ours', options: {} },
  { method: 'ours, imports only', options: { coChangeWeight: 0, tableWeight: 0 } },
  { method: 'ours, no shared kernel', options: { sharedKernel: false } },
];

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
const brief = (scores: ComparisonScores): Record<string, number> => ({
  mojoFm: round(scores.mojoFm),
  ari: round(scores.ari, 3),
  nmi: round(scores.nmi, 3),
  candidates: scores.candidates.actual,
  expected: scores.candidates.expected,
});

const results: Array<Record<string, unknown>> = [];
const rows: string[][] = [['input', 'files', 'method', 'MoJoFM', 'ARI', 'NMI', 'clusters', 'ms']];
for (const input of parseInputs()) {
  const started = performance.now();
  const project = await collectProject(input.dir, { git, ...(input.include.length > 0 ? { include: input.include } : {}) });
  const collectMs = Math.round(performance.now() - started);
  const expected = expectedFor(input, project);
  const scored: Record<string, Record<string, number>> = {};
  const run = (method: string, partition: () => Map<string, string>): void => {
    const t = performance.now();
    const result = partition();
    const ms = Math.round(performance.now() - t);
    const scores = comparePartitions(result, expected.partition);
    scored[method] = { ...brief(scores), ms };
    rows.push([
      input.name,
      String(project.modules.length),
      method,
      round(scores.mojoFm).toFixed(1),
      scores.ari.toFixed(3),
      scores.nmi.toFixed(3),
      `${scores.candidates.actual}/${scores.candidates.expected}`,
      String(ms),
    ]);
  };
  for (const variant of VARIANTS)
    run(variant.method, () => new Map(Object.entries(proposeBoundaries(project, variant.options).assignment)));
  const expectedCount = new Set([...expected.partition.values()].filter((label) => label !== 'shared')).size;
  const forced = `ours, services ${expectedCount}`;
  run(forced, () => new Map(Object.entries(proposeBoundaries(project, { services: expectedCount }).assignment)));
  run('plain louvain (imports)', () => plainLouvain(project));
  results.push({
    name: input.name,
    commit: input.commit ?? commitOf(input.dir),
    files: project.modules.length,
    edges: project.edges.length,
    coChangePairs: project.coChange.length,
    tableAccesses: project.tables.length,
    expected: expected.how,
    collectMs,
    ours: scored['ours'],
    louvain: scored['plain louvain (imports)'],
    ablations: {
      importsOnly: scored['ours, imports only'],
      noSharedKernel: scored['ours, no shared kernel'],
      expectedCount: scored[forced],
    },
  });
}

const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
for (const row of rows)
  console.log(row.map((cell, i) => (i >= 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  '));
const mean = (key: 'ours' | 'louvain'): number =>
  round(
    results.reduce((sum, result) => sum + ((result[key] as Record<string, number> | undefined)?.mojoFm ?? 0), 0) /
      Math.max(1, results.length),
  );
const beats = results.every(
  (result) =>
    ((result.ours as Record<string, number> | undefined)?.mojoFm ?? 0) >
    ((result.louvain as Record<string, number> | undefined)?.mojoFm ?? 0),
);
console.log(JSON.stringify({ inputs: results, meanMojoFm: { ours: mean('ours'), louvain: mean('louvain') }, oursBeatsLouvain: beats }));
