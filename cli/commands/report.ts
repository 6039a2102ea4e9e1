import { notAvailable } from '../_not-available.js';

export const reportCommand = notAvailable({
  name: 'report',
  summary: "Render the HTML or Markdown report again from an analysis.json.",
  usage: 'strangler report <analysis.json> [--format html|md] [--out <file>]',
  issue: 'issue 4 (reports)',
});
