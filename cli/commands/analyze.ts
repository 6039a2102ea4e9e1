import { notAvailable } from '../_not-available.js';

export const analyzeCommand = notAvailable({
  name: 'analyze',
  summary: 'Analyze a TS/JS codebase and propose service boundaries (writes analysis.json and reports).',
  usage: 'strangler analyze <dir> [--out <outdir>] [--services <n>] [--compare <expected.json>] [--json] [--no-git]',
  issue: 'issue 3 (analyzer)',
});
