/**
 * analysis.json -> Markdown for a pull request or a wiki: tables, and a Mermaid diagram of
 * the candidates and their dependencies. Pure: same analysis, same bytes. Every string
 * that comes from the analyzed code is escaped (file names can hold anything).
 */
import type { AnalysisCandidate, AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { METRIC_HELP, heaviestCrossEdges, leftOutSummary, tableMatrix } from './model.js';

/** Escapes text for a Markdown table cell or paragraph: HTML, emphasis, links, pipes. */
export function mdText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** Code span that survives backticks inside the value. */
export function mdCode(value: string): string {
  const clean = value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const fence = clean.includes('`') ? '`` ' : '`';
  return `${fence}${clean}${fence === '`` ' ? ' ``' : '`'}`;
}

/** Mermaid label text: quotes and angle brackets as entity codes. */
function mermaidLabel(value: string): string {
  return value
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[\r\n]/g, ' ');
}

function row(cells: Array<string | number>): string {
  return `| ${cells.map(String).join(' | ')} |`;
}

function table(header: string[], rows: Array<Array<string | number>>, align?: string[]): string[] {
  return [row(header), row(align ?? header.map(() => '---')), ...rows.map(row)];
}

function mermaid(analysis: AnalysisV1): string[] {
  const ids = new Map(analysis.candidates.map((candidate, index) => [candidate.id, `c${index}`]));
  const lines = ['```mermaid', 'graph LR'];
  for (const candidate of analysis.candidates) {
    lines.push(`  ${ids.get(candidate.id) ?? ''}["${mermaidLabel(candidate.name)}<br/>${candidate.metrics.files} files"]`);
  }
  if (analysis.sharedKernel.length > 0) lines.push(`  shared[("shared kernel<br/>${analysis.sharedKernel.length} files")]`);
  for (const candidate of analysis.candidates) {
    for (const dependency of candidate.dependsOn) {
      const to = ids.get(dependency.candidate);
      if (to) lines.push(`  ${ids.get(candidate.id) ?? ''} -->|${dependency.edges}| ${to}`);
    }
  }
  lines.push('```');
  return lines;
}

function candidateSection(analysis: AnalysisV1, candidate: AnalysisCandidate, sharedTables: ReadonlySet<string>): string[] {
  const lines = [
    `### ${mdText(candidate.name)} (${mdCode(candidate.id)})`,
    '',
    `${candidate.metrics.files} files, ${candidate.metrics.loc} lines, cohesion ${candidate.metrics.cohesion.toFixed(2)}.`,
    '',
  ];
  if (candidate.routes.length > 0) {
    lines.push(`**HTTP routes (${candidate.routes.length})**`, '');
    lines.push(
      ...table(
        ['method', 'path', 'file'],
        candidate.routes.map((r) => [r.method, mdCode(r.path), mdCode(r.module)]),
      ),
      '',
    );
  }
  if (candidate.tables.length > 0) {
    lines.push('**Tables**', '');
    lines.push(
      ...table(
        ['table', 'reads', 'writes', ''],
        candidate.tables.map((t) => [mdCode(t.name), t.reads, t.writes, sharedTables.has(t.name) ? '⚠ shared' : '']),
      ),
      '',
    );
  }
  const inbound = analysis.candidates.flatMap((other) =>
    other.dependsOn.filter((d) => d.candidate === candidate.id).map((d) => `${mdText(other.id)} (${d.edges})`),
  );
  lines.push(`**Depends on:** ${candidate.dependsOn.map((d) => `${mdText(d.candidate)} (${d.edges})`).join(', ') || 'nothing'}  `);
  lines.push(`**Used by:** ${inbound.join(', ') || 'nothing'}`, '');
  const heaviest = heaviestCrossEdges(analysis, candidate.id, 5);
  if (heaviest.length > 0) {
    lines.push('**Heaviest cross-boundary imports**', '');
    lines.push(
      ...table(
        ['from', 'to', 'symbols'],
        heaviest.map((e) => [mdCode(e.from), `${mdCode(e.to)} (${mdText(e.toCandidate)})`, e.weight]),
      ),
      '',
    );
  }
  lines.push('<details><summary>Files</summary>', '', ...candidate.modules.map((m) => `- ${mdCode(m)}`), '', '</details>', '');
  return lines;
}

export function renderMarkdown(analysis: AnalysisV1): string {
  const shared = new Set((analysis.sharedTables ?? []).map((t) => t.table));
  const lines: string[] = [`# Service boundaries: ${mdText(analysis.root)}`, ''];
  lines.push(
    `${analysis.stats.files} files, ${analysis.stats.edges} import edges, ${analysis.stats.routes ?? 0} HTTP routes, ${analysis.stats.tables ?? 0} tables → ` +
      `**${analysis.candidates.length} service candidates** and a shared kernel of ${analysis.sharedKernel.length} files. ` +
      `Analyzed by ${mdText(analysis.tool.name)} ${mdText(analysis.tool.version)} in ${(analysis.stats.durationMs / 1000).toFixed(1)} s.`,
    '',
  );
  const leftOut = leftOutSummary(analysis);
  if (leftOut !== undefined) lines.push(`${mdText(leftOut)}.`, '');

  lines.push('## Metrics', '');
  lines.push(
    ...table(
      ['metric', 'value', 'meaning', 'better'],
      METRIC_HELP.map((m) => [m.label, analysis.metrics[m.key].toFixed(m.key === 'ifn' ? 1 : 2), m.meaning, m.better]),
    ),
    '',
  );
  if (analysis.comparison) {
    const c = analysis.comparison;
    lines.push(
      `Against ${mdCode(c.expected)}: MoJoFM ${c.mojoFm.toFixed(1)}, ARI ${c.ari.toFixed(2)}, NMI ${c.nmi.toFixed(2)} (${c.candidates.actual} candidates, ${c.candidates.expected} expected).`,
      '',
    );
  }

  lines.push('## Candidates and their dependencies', '', ...mermaid(analysis), '');
  lines.push(
    ...table(
      ['candidate', 'files', 'LOC', 'routes', 'tables', 'cohesion', 'depends on'],
      analysis.candidates.map((c) => [
        mdText(c.name),
        c.metrics.files,
        c.metrics.loc,
        c.routes.length,
        c.tables.length,
        c.metrics.cohesion.toFixed(2),
        c.dependsOn.map((d) => mdText(d.candidate)).join(', ') || '—',
      ]),
    ),
    '',
  );

  lines.push('## Extraction order', '');
  const plan = analysis.extractionPlan ?? analysis.extractionOrder.map((candidate) => ({ candidate, reason: '' }));
  plan.forEach((step, index) => lines.push(`${index + 1}. **${mdText(step.candidate)}**${step.reason ? ` — ${mdText(step.reason)}` : ''}`));
  lines.push('');

  const matrix = tableMatrix(analysis);
  if (matrix.tables.length > 0) {
    lines.push(
      '## Tables × candidates',
      '',
      'R = reads, W = writes. ⚠ marks a table written by more than one candidate: the sync has to carry it.',
      '',
    );
    lines.push(
      ...table(
        ['table', ...analysis.candidates.map((c) => mdText(c.id))],
        matrix.tables.map((name) => [
          `${shared.has(name) ? '⚠ ' : ''}${mdCode(name)}`,
          ...analysis.candidates.map((c) => matrix.cell(name, c.id)),
        ]),
      ),
      '',
    );
  }

  if ((analysis.cycles ?? []).length > 0) {
    lines.push('## Cycles between candidates', '', ...(analysis.cycles ?? []).map((cycle) => `- ${cycle.map(mdText).join(' → ')}`), '');
  }

  lines.push('## Candidates', '');
  for (const candidate of analysis.candidates) lines.push(...candidateSection(analysis, candidate, shared));

  lines.push('## Shared kernel', '', 'Utilities used across candidates, proposed as a shared library rather than a service.', '');
  lines.push('<details><summary>Files</summary>', '', ...analysis.sharedKernel.map((m) => `- ${mdCode(m)}`), '', '</details>', '');

  if (analysis.warnings.length > 0) {
    const byCode = new Map<string, number>();
    for (const warning of analysis.warnings) byCode.set(warning.code, (byCode.get(warning.code) ?? 0) + 1);
    lines.push(`## Warnings (${analysis.warnings.length})`, '');
    lines.push(
      ...table(
        ['code', 'count'],
        [...byCode].sort((a, b) => b[1] - a[1]).map(([code, count]) => [mdCode(code), count]),
      ),
      '',
    );
    for (const warning of analysis.warnings.slice(0, 20))
      lines.push(`- ${mdCode(warning.code)} ${warning.path ? `${mdCode(warning.path)}: ` : ''}${mdText(warning.message)}`);
    if (analysis.warnings.length > 20) lines.push(`- … and ${analysis.warnings.length - 20} more in analysis.json`);
    lines.push('');
  }
  return lines.join('\n');
}
