import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StranglerError } from '../../common/errors.js';
import { REPORTERS } from '../../reports/index.js';
import { readAnalysisFile } from '../_analysis-file.js';
import { stringOption } from '../_args.js';
import { EXIT, type Command } from '../_command.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'Render the HTML or Markdown report again from an analysis.json.',
  usage: 'strangler report <analysis.json> [--format html|md] [--out <file>]',
  details: 'Without --out the report goes to stdout. The HTML report is one self-contained file (works offline).',
  options: [
    { name: 'format', type: 'string', placeholder: 'html|md', default: 'html', description: 'Report format.' },
    { name: 'out', type: 'string', placeholder: '<file>', description: 'Write the report to this file.' },
  ],
  async run(args, io) {
    const file = args.positionals[0];
    if (file === undefined || args.positionals.length > 1) {
      io.stderr('strangler report: give one analysis.json, e.g. `strangler report strangler-report/analysis.json --format md`.\n');
      return EXIT.usage;
    }
    const format = stringOption(args, 'format') ?? 'html';
    const reporter = Object.values(REPORTERS).find((candidate) => candidate.format === format);
    if (!reporter) {
      throw new StranglerError('CLI_BAD_VALUE', `--format must be one of ${Object.keys(REPORTERS).join(', ')}, got "${format}".`);
    }
    const output = reporter.render(await readAnalysisFile(io.cwd, file));
    const out = stringOption(args, 'out');
    if (out === undefined) io.stdout(output);
    else {
      await writeFile(resolve(io.cwd, out), output);
      io.stdout(`report written to ${resolve(io.cwd, out)}\n`);
    }
    return EXIT.ok;
  },
};
