/**
 * One detail panel per group (candidate, shared kernel, files left out), rendered hidden;
 * the browser script shows the one the reader clicks. A candidate's panel: files and LOC,
 * HTTP routes, tables owned or shared, the candidates it depends on and that depend on it
 * with the heaviest file → file imports across the boundary, and its cycles.
 */
import type { AnalysisCandidate, AnalysisV1 } from '../../common/contracts/analysis-v1.js';
import { heaviestCrossEdges, leftOutByKind, leftOutSummary, type CrossEdge } from '../model.js';
import { escapeHtml as h } from './escape.js';
import type { ReportData } from './report-data.js';
import { groupLink } from './summary-sections.js';

/** Files listed per panel; the rest are reachable through the graph and its search. */
export const PANEL_FILE_LIMIT = 300;
const CROSS_EDGE_LIMIT = 8;

function heaviestInbound(analysis: AnalysisV1, candidateId: string, owner: ReadonlyMap<string, string | null>, limit: number): CrossEdge[] {
  return analysis.edges
    .filter((e) => owner.get(e.to) === candidateId)
    .map((e) => ({ from: e.from, to: e.to, toCandidate: owner.get(e.from) ?? '', weight: e.weight }))
    .filter((e) => e.toCandidate !== '' && e.toCandidate !== candidateId && e.toCandidate !== 'shared')
    .sort((a, b) => b.weight - a.weight || a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
    .slice(0, limit);
}

function fileList(analysis: AnalysisV1, paths: readonly string[], label = 'Files'): string {
  const loc = new Map(analysis.modules.map((m) => [m.path, m.loc]));
  const sorted = [...paths].sort((a, b) => (loc.get(b) ?? 0) - (loc.get(a) ?? 0) || a.localeCompare(b));
  const shown = sorted.slice(0, PANEL_FILE_LIMIT);
  const items = shown
    .map((path) => {
      const why = analysis.leftOut?.[path];
      return (
        `<li><button type="button" class="file-link" data-file="${h(path)}"${why ? ` title="${h(why)}"` : ''}>${h(path)}</button>` +
        `<span class="loc">${h(loc.get(path) ?? 0)}</span></li>`
      );
    })
    .join('');
  const more =
    sorted.length > shown.length
      ? `<p class="note">… and ${h(sorted.length - shown.length)} smaller files: search the graph by name.</p>`
      : '';
  return `<details class="files"><summary>${h(label)} (${h(paths.length)}), largest first</summary><ul class="plain filelist">${items}</ul>${more}</details>`;
}

/** The heaviest file → file imports across the boundary, one per line (the side panel is narrow). */
function crossList(edges: readonly CrossEdge[], data: ReportData, direction: 'into' | 'from'): string {
  if (edges.length === 0) return '';
  const items = edges
    .map(
      (e) =>
        `<li><code>${h(e.from)}</code> <span class="arrow">→</span> <code>${h(e.to)}</code>` +
        `<span class="xmeta">${direction} ${groupLink(data, e.toCandidate, e.toCandidate)} · weight ${h(e.weight)}</span></li>`,
    )
    .join('');
  return `<ul class="plain xedges">${items}</ul>`;
}

function candidatePanel(
  analysis: AnalysisV1,
  data: ReportData,
  candidate: AnalysisCandidate,
  index: number,
  owner: ReadonlyMap<string, string | null>,
): string {
  const group = data.groups[index];
  const color = group?.color ?? '#888';
  const sharedTables = new Map((analysis.sharedTables ?? []).map((t) => [t.table, t]));
  const routes =
    candidate.routes.length > 0
      ? `<table class="grid compact routes"><thead><tr><th>method</th><th>path and file</th></tr></thead><tbody>${candidate.routes
          .map(
            (r) =>
              `<tr><td><span class="method m-${h(r.method.toLowerCase())}">${h(r.method)}</span></td><td><code>${h(r.path)}</code><br><button type="button" class="file-link dim small" data-file="${h(r.module)}">${h(r.module)}</button></td></tr>`,
          )
          .join('')}</tbody></table>`
      : '<p class="note">No HTTP routes.</p>';
  const tables =
    candidate.tables.length > 0
      ? `<table class="grid compact tables"><thead><tr><th>table</th><th>access</th><th>reads</th><th>writes</th><th></th></tr></thead><tbody>${candidate.tables
          .map((t) => {
            const shared = sharedTables.get(t.name);
            const others = shared ? [...new Set([...shared.writers, ...shared.readers])].filter((id) => id !== candidate.id) : [];
            const note = shared
              ? `<span class="badge warn">shared</span> with ${others.map((id) => h(id)).join(', ') || 'others'}`
              : t.writes > 0
                ? '<span class="badge ok">owned</span>'
                : '';
            return `<tr${shared ? ' class="shared-table"' : ''}><td><code>${h(t.name)}</code></td><td>${t.reads > 0 ? 'R' : ''}${t.writes > 0 ? 'W' : ''}</td><td class="num">${h(t.reads)}</td><td class="num">${h(t.writes)}</td><td>${note}</td></tr>`;
          })
          .join('')}</tbody></table>`
      : '<p class="note">No tables.</p>';
  const inbound = analysis.candidates.flatMap((other) =>
    other.dependsOn.filter((d) => d.candidate === candidate.id).map((d) => ({ id: other.id, edges: d.edges })),
  );
  const depList = (deps: ReadonlyArray<{ id: string; edges: number }>): string =>
    deps.length > 0
      ? `<ul class="plain deps">${[...deps]
          .sort((a, b) => b.edges - a.edges)
          .map((d) => `<li>${groupLink(data, d.id)} <span class="dim">${h(d.edges)} import${d.edges === 1 ? '' : 's'}</span></li>`)
          .join('')}</ul>`
      : '<p class="note">none</p>';
  const cycles = (analysis.cycles ?? []).filter((cycle) => cycle.includes(candidate.id));
  const cycleList =
    cycles.length > 0
      ? `<h4>Cycles it is in</h4><ul class="plain">${cycles.map((cycle) => `<li>${cycle.map((id) => h(id)).join(' → ')}</li>`).join('')}</ul>`
      : '';
  const step = analysis.extractionOrder.indexOf(candidate.id);
  const reason = analysis.extractionPlan?.find((s) => s.candidate === candidate.id)?.reason;
  return (
    `<section class="panel" id="panel-${index}" data-panel="${index}" hidden>` +
    `<h3><span class="swatch big" style="background:${h(color)}"></span>${h(candidate.name)} <code class="dim">${h(candidate.id)}</code></h3>` +
    `<p class="facts"><b>${h(candidate.metrics.files)}</b> files · <b>${h(candidate.metrics.loc.toLocaleString('en-US'))}</b> LOC · cohesion <b>${h(candidate.metrics.cohesion.toFixed(2))}</b>` +
    (step >= 0 ? ` · extraction step <b>${h(step + 1)}</b>` : '') +
    `</p>${reason ? `<p class="reason">${h(reason)}</p>` : ''}` +
    `<div class="actions"><button type="button" class="action" data-expand="${index}">Show its files in the graph</button></div>` +
    `<h4>HTTP routes (${h(candidate.routes.length)})</h4>${routes}` +
    `<h4>Tables (${h(candidate.tables.length)})</h4>${tables}` +
    `<div class="two"><div><h4>Depends on</h4>${depList(candidate.dependsOn.map((d) => ({ id: d.candidate, edges: d.edges })))}</div><div><h4>Used by</h4>${depList(inbound)}</div></div>` +
    `<h4>Heaviest imports out of it</h4>${crossList(heaviestCrossEdges(analysis, candidate.id, CROSS_EDGE_LIMIT), data, 'into') || '<p class="note">none</p>'}` +
    `<h4>Heaviest imports into it</h4>${crossList(heaviestInbound(analysis, candidate.id, owner, CROSS_EDGE_LIMIT), data, 'from') || '<p class="note">none</p>'}` +
    cycleList +
    fileList(analysis, candidate.modules) +
    `</section>`
  );
}

function otherPanel(analysis: AnalysisV1, data: ReportData, index: number): string {
  const group = data.groups[index];
  if (!group) return '';
  const paths = analysis.modules
    .filter((m) =>
      group.kind === 'shared' ? m.candidate === 'shared' : m.candidate === null || !data.groups.some((g) => g.key === m.candidate),
    )
    .map((m) => m.path);
  const what =
    group.kind === 'shared'
      ? 'Utilities used across candidates, proposed as a shared library rather than a service.'
      : `${leftOutSummary(analysis) ?? 'Files the analysis left out of every candidate'}. Tests, mocks and build output are not read at all.`;
  return (
    `<section class="panel" id="panel-${index}" data-panel="${index}" hidden>` +
    `<h3><span class="swatch big" style="background:${h(group.color)}"></span>${h(group.name)}</h3>` +
    `<p class="facts"><b>${h(group.files)}</b> files · <b>${h(group.loc.toLocaleString('en-US'))}</b> LOC</p><p class="note">${h(what)}</p>` +
    `<div class="actions"><button type="button" class="action" data-expand="${index}">Show its files in the graph</button></div>` +
    (group.kind === 'shared' ? fileList(analysis, paths) : leftOutLists(analysis, paths)) +
    `</section>`
  );
}

/** The files left out, one list per kind of reason (frontend, tooling…), most first; each file's reason on hover. */
function leftOutLists(analysis: AnalysisV1, paths: readonly string[]): string {
  const groups = leftOutByKind(analysis, paths);
  if (groups.length <= 1) return fileList(analysis, paths);
  return groups.map(([kind, files]) => fileList(analysis, files, `${kind.charAt(0).toUpperCase()}${kind.slice(1)} files`)).join('');
}

export function groupPanels(analysis: AnalysisV1, data: ReportData): string {
  const owner = new Map(analysis.modules.map((m) => [m.path, m.candidate]));
  return data.groups
    .map((group, index) => {
      const candidate = group.kind === 'candidate' ? analysis.candidates[index] : undefined;
      return candidate ? candidatePanel(analysis, data, candidate, index, owner) : otherPanel(analysis, data, index);
    })
    .join('');
}
