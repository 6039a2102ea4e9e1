import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { AnalysisV1 } from '../../common/contracts/analysis-v1.js';
import { StranglerError } from '../../common/errors.js';
import { flag, numberOption, stringOption } from '../_args.js';
import { EXIT, type Command, type CommandIO } from '../_command.js';
import { progressPrinter } from '../_progress.js';
import { leftOutSummary } from '../../reports/model.js';
import { writeReports } from '../_write-reports.js';

const list = (value: string | undefined): string[] =>
  value === undefined
    ? []
    : value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');

const isInside = (child: string, parent: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
};

/** Where the reports go: --out, else ./strangler-report — unless that is inside the analyzed repository, which is never written to. */
async function outputDir(io: CommandIO, root: string, out: string | undefined): Promise<string> {
  if (out !== undefined) return resolve(io.cwd, out);
  const realRoot = await realpath(root);
  const cwd = await realpath(io.cwd).catch(() => io.cwd);
  if (!isInside(cwd, realRoot)) return join(io.cwd, 'strangler-report');
  return join(tmpdir(), `strangler-report-${basename(realRoot) || 'root'}`);
}

function summary(analysis: AnalysisV1): string[] {
  const shared = analysis.sharedKernel.length;
  const m = analysis.metrics;
  const first = analysis.extractionPlan?.[0];
  const lines = [
    `${analysis.stats.files} files, ${analysis.stats.edges} imports, ${analysis.routes?.length ?? 0} routes, ${analysis.stats.tables ?? 0} tables → ${analysis.candidates.length} candidates + a shared kernel of ${shared} files.`,
    `modularity ${m.modularity.toFixed(2)} (higher is better), cross-boundary imports ICP ${m.icp.toFixed(2)} (lower is better), ${analysis.sharedTables?.length ?? 0} tables written by more than one candidate, ${analysis.cycles?.length ?? 0} cycles.`,
    first ? `extract first: ${first.candidate} — ${first.reason}` : 'no candidate to extract first.',
  ];
  const leftOut = leftOutSummary(analysis);
  if (leftOut !== undefined) lines.splice(1, 0, `${leftOut}.`);
  if (analysis.comparison) {
    const c = analysis.comparison;
    lines.push(
      `against ${c.expected}: MoJoFM ${c.mojoFm.toFixed(1)}, ARI ${c.ari.toFixed(2)}, NMI ${c.nmi.toFixed(2)}, ${c.candidates.actual} candidates vs ${c.candidates.expected} expected.`,
    );
  }
  return lines;
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Analyze a TS/JS codebase and propose service boundaries (writes analysis.json and reports).',
  usage: 'strangler analyze <dir> [--out <outdir>] [--services <n>] [--compare <expected.json>] [--json] [--no-git]',
  details: [
    'Reads the repository (never runs its code, never writes inside it) and writes analysis.json,',
    'report.html and report.md to <outdir> (default ./strangler-report, or a temp folder when the',
    'current folder is inside <dir>). Warnings (unparsable files, unresolved imports…) are kept in',
    'analysis.json and counted in the summary; they never stop the analysis.',
    '',
    'Exit codes: 0 done; 1 failed, or --min-mojofm not reached; 2 bad input (no such directory,',
    'no sources, bad --compare file); 130 interrupted.',
    '',
    'Examples:',
    '  strangler analyze ./my-monolith',
    '  strangler analyze . --out ../analysis --services 6 --exclude "scripts/**,migrations/**"',
    '  strangler analyze fixtures/shop-monolith --compare fixtures/shop-monolith/expected-boundaries.json',
  ].join('\n'),
  options: [
    { name: 'out', type: 'string', placeholder: '<outdir>', description: 'Folder for analysis.json and the reports.' },
    { name: 'services', type: 'number', placeholder: '<n>', description: 'Propose exactly n candidates (default: chosen from the graph).' },
    { name: 'compare', type: 'string', placeholder: '<expected.json>', description: 'Score the result against an expected decomposition.' },
    { name: 'min-mojofm', type: 'number', placeholder: '<0-100>', description: 'With --compare: exit 1 when MoJoFM is below this.' },
    { name: 'json', type: 'boolean', description: 'Print analysis.json to stdout (reports are written only with --out).' },
    { name: 'git', type: 'boolean', default: true, description: 'Use git co-change (--no-git skips it).' },
    { name: 'include', type: 'string', placeholder: '<globs>', description: 'Comma-separated globs a source file must match.' },
    {
      name: 'exclude',
      type: 'string',
      placeholder: '<globs>',
      description: 'Comma-separated globs to leave out (on top of tests, node_modules, build output).',
    },
    { name: 'include-tests', type: 'boolean', description: 'Keep test files (left out by default).' },
    {
      name: 'include-frontend',
      type: 'boolean',
      description: 'Keep the browser UI (files importing react, vue… that no server code imports) in the candidates (left out by default).',
    },
    { name: 'max-file-kb', type: 'number', placeholder: '<kb>', description: 'Skip larger files with a warning.', default: 1024 },
    { name: 'quiet', type: 'boolean', short: 'q', description: 'No progress on stderr.' },
  ],
  async run(args, io) {
    const dir = args.positionals[0];
    if (dir === undefined || args.positionals.length > 1) {
      io.stderr('strangler analyze: give one directory to analyze, e.g. `strangler analyze ./my-monolith`.\n');
      return EXIT.usage;
    }
    const services = numberOption(args, 'services');
    if (services !== undefined && (!Number.isInteger(services) || services < 1)) {
      throw new StranglerError('CLI_BAD_VALUE', `--services must be a whole number of at least 1, got ${services}.`);
    }
    const minMojoFm = numberOption(args, 'min-mojofm');
    const compareFile = stringOption(args, 'compare');
    if (minMojoFm !== undefined && compareFile === undefined) {
      throw new StranglerError('CLI_BAD_VALUE', '--min-mojofm needs --compare <expected.json> to score against.');
    }
    const root = resolve(io.cwd, dir);
    const json = flag(args, 'json');
    // The analyzer (and the TypeScript compiler) load only now, for this command.
    const { analyzeProject, loadExpectedBoundaries } = await import('../../analyzer/analyze-project.js');
    const expected = compareFile === undefined ? undefined : await loadExpectedBoundaries(resolve(io.cwd, compareFile));
    const progress = flag(args, 'quiet') ? undefined : progressPrinter(io);
    const analysis = await analyzeProject(root, {
      git: args.options.git !== false,
      include: list(stringOption(args, 'include')),
      exclude: list(stringOption(args, 'exclude')),
      includeTests: flag(args, 'include-tests'),
      keepFrontend: flag(args, 'include-frontend'),
      maxFileBytes: (numberOption(args, 'max-file-kb') ?? 1024) * 1024,
      ...(services === undefined ? {} : { services }),
      ...(expected === undefined || compareFile === undefined ? {} : { compare: { source: compareFile, expected } }),
      ...(progress ? { onProgress: progress.update } : {}),
    });
    progress?.done();
    // The contract says `root` is the directory as given.
    analysis.root = dir;

    const out = stringOption(args, 'out');
    if (json) io.stdout(JSON.stringify(analysis, null, 2) + '\n');
    if (!json || out !== undefined) {
      const outDir = await outputDir(io, root, out);
      const report = await writeReports(outDir, analysis);
      const say = json ? io.stderr : io.stdout;
      say(`report: ${report}\n`);
      for (const line of summary(analysis)) say(`  ${line}\n`);
      if (analysis.warnings.length > 0) say(`  ${analysis.warnings.length} warnings (listed in ${join(outDir, 'analysis.json')}).\n`);
    }
    if (minMojoFm !== undefined && analysis.comparison && analysis.comparison.mojoFm < minMojoFm) {
      io.stderr(`strangler analyze: MoJoFM ${analysis.comparison.mojoFm.toFixed(1)} is below --min-mojofm ${minMojoFm}.\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  },
};
