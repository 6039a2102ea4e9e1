/**
 * Report formats, each a pure function of analysis.json returning the file's text.
 */
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { renderHtml } from './html/render-html.js';
import { renderMarkdown } from './markdown.js';

export type ReportFormat = 'html' | 'md' | 'json';

export interface Reporter {
  format: ReportFormat;
  fileName: string;
  render(analysis: AnalysisV1): string;
}

export const REPORTERS: Readonly<Record<ReportFormat, Reporter>> = {
  html: { format: 'html', fileName: 'report.html', render: renderHtml },
  md: { format: 'md', fileName: 'report.md', render: renderMarkdown },
  json: { format: 'json', fileName: 'analysis.json', render: (analysis) => JSON.stringify(analysis, null, 2) + '\n' },
};

export { renderMarkdown, mdText, mdCode } from './markdown.js';
export { renderHtml } from './html/render-html.js';
export { METRIC_HELP, tableMatrix, heaviestCrossEdges } from './model.js';
