/**
 * The report's static sections, rendered to HTML on the server side of the report: the
 * summary figures, the metrics with their meaning, the extraction order, the candidate ×
 * table matrix, cycles, the candidate overview and the warnings. Every value from the
 * analysis goes through escapeHtml.
 */
import type { AnalysisV1 } from '../../common/contracts/analysis-v1.js';
import { METRIC_HELP, tableMatrix } from '../model.js';
import { escapeHtml as h } from './escape.js';
import type { ReportData } from './report-data.js';

/** A button that opens a group's panel (the browser script listens for [data-group]). */
export function groupLink(data: ReportData, key: string, label?: string): string {
  const index = data.groups.findIndex((group) => group.key === key);
  const group = data.groups[index];
  if (!group) return `<span class="cand-missing">${h(label ?? key)}</span>`;
  return `<button type="button" class="cand-link" data-group="${index}"><span class="swatch" style="background:${h(group.color)}"></span>${h(label ?? group.name)}</button>`;
}

function card(value: string | number, label: string, hint = ''): string {
  return `<div class="card"><div class="card-value">${h(value)}</div><div class="card-label">${h(label)}</div>${hint ? `<div class="card-hint">${h(hint)}</div>` : ''}</div>`;
}

export function summaryCards(analysis: AnalysisV1): string {
  const stats = analysis.stats;
  const sharedTables = analysis.sharedTables?.length ?? 0;
  return `<div class="cards">${[
    card(stats.files.toLocaleString('en-US'), 'files'),
    card(stats.edges.toLocaleString('en-US'), 'import edges'),
    card(analysis.candidates.length, 'service candidates'),
    card(analysis.sharedKernel.length, 'shared-kernel files', 'proposed as a library'),
    card(stats.routes ?? analysis.routes?.length ?? analysis.candidates.reduce((n, c) => n + c.routes.length, 0), 'HTTP routes'),
    card(
      stats.tables ?? tableMatrix(analysis).tables.length,
      'tables',
      sharedTables > 0 ? `${sharedTables} written by several candidates` : '',
    ),
    card(analysis.warnings.length, 'warnings'),
  ].join('')}</div>`;
}

export function metricsSection(analysis: AnalysisV1): string {
  const rows = METRIC_HELP.map(
    (metric) =>
      `<tr><th scope="row">${h(metric.label)}</th><td class="num">${h(analysis.metrics[metric.key].toFixed(metric.key === 'ifn' ? 1 : 2))}</td>` +
      `<td>${h(metric.meaning)}</td><td class="better">${metric.better === 'higher' ? '↑ higher is better' : '↓ lower is better'}</td></tr>`,
  ).join('');
  const comparison = analysis.comparison
    ? `<p class="note">Against the expected decomposition <code>${h(analysis.comparison.expected)}</code>: MoJoFM ${h(analysis.comparison.mojoFm.toFixed(1))}, ` +
      `ARI ${h(analysis.comparison.ari.toFixed(2))}, NMI ${h(analysis.comparison.nmi.toFixed(2))} ` +
      `(${h(analysis.comparison.candidates.actual)} candidates, ${h(analysis.comparison.candidates.expected)} expected).</p>`
    : '';
  return `<section id="metrics"><h2>How good is this split?</h2><table class="grid"><thead><tr><th>metric</th><th>value</th><th>meaning</th><th></th></tr></thead><tbody>${rows}</tbody></table>${comparison}</section>`;
}

export function extractionSection(analysis: AnalysisV1, data: ReportData): string {
  const plan = analysis.extractionPlan ?? analysis.extractionOrder.map((candidate) => ({ candidate, reason: '' }));
  if (plan.length === 0) return '';
  const steps = plan
    .map((step) => `<li>${groupLink(data, step.candidate)}${step.reason ? `<span class="reason">${h(step.reason)}</span>` : ''}</li>`)
    .join('');
  return `<section id="order"><h2>Extraction order</h2><p class="note">Extract the candidates in this order; each step says why it comes there.</p><ol class="steps">${steps}</ol></section>`;
}

export function matrixSection(analysis: AnalysisV1, data: ReportData): string {
  const matrix = tableMatrix(analysis);
  if (matrix.tables.length === 0) return '';
  const shared = new Map((analysis.sharedTables ?? []).map((t) => [t.table, t]));
  const writers = (table: string): number => analysis.candidates.filter((c) => matrix.cell(table, c.id).includes('W')).length;
  const head = analysis.candidates
    .map((c) => `<th class="rot" title="${h(c.name)}"><div>${groupLink(data, c.id, c.id)}</div></th>`)
    .join('');
  const rows = matrix.tables
    .map((table) => {
      const isShared = shared.has(table) || writers(table) > 1;
      const cells = analysis.candidates
        .map((c) => {
          const cell = matrix.cell(table, c.id);
          return `<td class="rw rw-${cell === '' ? 'none' : cell.toLowerCase()}">${h(cell)}</td>`;
        })
        .join('');
      return `<tr${isShared ? ' class="shared-table"' : ''}><th scope="row">${isShared ? '<span class="badge warn" title="written by more than one candidate">shared</span> ' : ''}<code>${h(table)}</code></th>${cells}</tr>`;
    })
    .join('');
  return (
    `<section id="tables"><h2>Tables × candidates</h2>` +
    `<p class="note"><b>R</b> reads, <b>W</b> writes. Rows marked <span class="badge warn">shared</span> are written by more than one candidate: the sync has to carry them while both sides write.</p>` +
    `<div class="scroll"><table class="grid matrix"><thead><tr><th>table</th>${head}</tr></thead><tbody>${rows}</tbody></table></div></section>`
  );
}

export function cyclesSection(analysis: AnalysisV1, data: ReportData): string {
  const cycles = analysis.cycles ?? [];
  if (cycles.length === 0) return '';
  const items = cycles.map((cycle) => `<li>${cycle.map((id) => groupLink(data, id)).join(' <span class="arrow">→</span> ')}</li>`).join('');
  return `<section id="cycles"><h2>Cycles between candidates (${cycles.length})</h2><p class="note">Each cycle has to be cut (an API call or an event instead of an import) before its candidates can leave separately.</p><ul class="plain">${items}</ul></section>`;
}

export function overviewSection(analysis: AnalysisV1, data: ReportData): string {
  const rows = analysis.candidates
    .map(
      (c) =>
        `<tr><th scope="row">${groupLink(data, c.id)}</th><td class="num">${h(c.metrics.files)}</td><td class="num">${h(c.metrics.loc.toLocaleString('en-US'))}</td>` +
        `<td class="num">${h(c.routes.length)}</td><td class="num">${h(c.tables.length)}</td><td class="num">${h(c.metrics.cohesion.toFixed(2))}</td>` +
        `<td>${c.dependsOn.map((d) => h(d.candidate)).join(', ') || '—'}</td></tr>`,
    )
    .join('');
  return `<section id="candidates"><h2>Candidates</h2><table class="grid"><thead><tr><th>candidate</th><th>files</th><th>LOC</th><th>routes</th><th>tables</th><th>cohesion</th><th>depends on</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

export function warningsSection(analysis: AnalysisV1): string {
  const unresolved = analysis.unresolved ?? [];
  if (analysis.warnings.length === 0 && unresolved.length === 0) return '';
  const byCode = new Map<string, number>();
  for (const warning of analysis.warnings) byCode.set(warning.code, (byCode.get(warning.code) ?? 0) + 1);
  const counts = [...byCode]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, count]) => `<li><code>${h(code)}</code> × ${h(count)}</li>`)
    .join('');
  const shown = analysis.warnings.slice(0, 200);
  const list = shown.map((w) => `<li><code>${h(w.code)}</code> ${w.path ? `<code>${h(w.path)}</code> ` : ''}${h(w.message)}</li>`).join('');
  const more =
    analysis.warnings.length > shown.length
      ? `<p class="note">… and ${h(analysis.warnings.length - shown.length)} more in analysis.json.</p>`
      : '';
  const unresolvedList =
    unresolved.length > 0
      ? `<details><summary>${h(unresolved.length)} imports that did not resolve inside the repository</summary><ul class="plain mono">${unresolved
          .slice(0, 200)
          .map((u) => `<li>${h(u.from)} → ${h(u.specifier)}</li>`)
          .join('')}</ul></details>`
      : '';
  return (
    `<section id="warnings"><h2>Warnings (${h(analysis.warnings.length)})</h2>` +
    (counts
      ? `<ul class="plain counts">${counts}</ul><details><summary>Show the warnings</summary><ul class="plain">${list}</ul>${more}</details>`
      : '') +
    `${unresolvedList}</section>`
  );
}
