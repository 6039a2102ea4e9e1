import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StranglerError } from '../../common/errors.js';
import { closestName } from '../../common/suggest.js';
import { readAnalysisFile } from '../_analysis-file.js';
import { flag, stringOption } from '../_args.js';
import { EXIT, type Command } from '../_command.js';

export const planCommand: Command = {
  name: 'plan',
  summary: "Write the proxy routes and sync mapping for one candidate's extraction.",
  usage: 'strangler plan --candidate <id> <analysis.json> [--out <dir>] [--force]',
  details: [
    'Writes two fragments to <dir> (default ./strangler-plan-<id>), ready to edit and merge:',
    "  proxy-routes.yaml  the candidate's HTTP routes for `strangler proxy`, disabled, weight 0",
    '  sync.yaml          the tables it owns for `strangler sync`, with notes on shared tables',
    'Existing files are never overwritten unless --force is given.',
  ].join('\n'),
  options: [
    { name: 'candidate', type: 'string', placeholder: '<id>', description: 'The candidate to extract (an id from analysis.json).' },
    { name: 'out', type: 'string', placeholder: '<dir>', description: 'Folder to write the fragments to.' },
    { name: 'force', type: 'boolean', description: 'Overwrite existing fragments.' },
  ],
  async run(args, io) {
    const file = args.positionals[0];
    const candidateId = stringOption(args, 'candidate');
    if (file === undefined || args.positionals.length > 1 || candidateId === undefined) {
      io.stderr(
        'strangler plan: give a candidate and one analysis.json, e.g. `strangler plan --candidate catalog strangler-report/analysis.json`.\n',
      );
      return EXIT.usage;
    }
    const analysis = await readAnalysisFile(io.cwd, file);
    const ids = analysis.candidates.map((candidate) => candidate.id);
    if (!ids.includes(candidateId)) {
      const hint = closestName(candidateId, ids);
      throw new StranglerError(
        'CLI_UNKNOWN_CANDIDATE',
        `${file} has no candidate "${candidateId}"${hint ? ` (did you mean "${hint}"?)` : ''}. Candidates: ${ids.join(', ')}.`,
      );
    }
    const [{ proxyPlanForCandidate }, { syncPlanForCandidate }] = await Promise.all([
      import('../../strangler-proxy/plan.js'),
      import('../../sync/plan.js'),
    ]);
    const outDir = resolve(io.cwd, stringOption(args, 'out') ?? `strangler-plan-${candidateId}`);
    const files = {
      'proxy-routes.yaml': proxyPlanForCandidate(analysis, candidateId),
      'sync.yaml': syncPlanForCandidate(analysis, candidateId),
    };
    if (!flag(args, 'force')) {
      const existing = Object.keys(files).filter((name) => existsSync(join(outDir, name)));
      if (existing.length > 0) {
        throw new StranglerError(
          'CLI_WOULD_OVERWRITE',
          `${existing.map((name) => join(outDir, name)).join(' and ')} already exist. Nothing was written; pass --force to overwrite or --out to choose another folder.`,
        );
      }
    }
    await mkdir(outDir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(outDir, name), text);
    const candidate = analysis.candidates.find((entry) => entry.id === candidateId);
    io.stdout(`plan for ${candidateId} written to ${outDir}\n`);
    io.stdout(`  proxy-routes.yaml: ${candidate?.routes.length ?? 0} routes (disabled, weight 0)\n`);
    io.stdout(`  sync.yaml: ${candidate?.tables.filter((table) => table.writes > 0).length ?? 0} tables it writes\n`);
    return EXIT.ok;
  },
};
