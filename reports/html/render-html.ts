/**
 * analysis.json -> one self-contained report.html: styles, the browser script (sigma +
 * graphology, bundled) and the data are inlined, so the file opens offline, as a CI
 * artifact or attached to a ticket, and makes no network request. Pure: the same analysis
 * gives the same bytes. Every value from the analysis is escaped (escapeHtml for HTML,
 * jsonForScript for the embedded data).
 */
import type { AnalysisV1 } from '../../common/contracts/analysis-v1.js';
import { appBundle } from './app-bundle.js';
import { escapeHtml as h, jsonForScript } from './escape.js';
import { groupPanels } from './group-panels.js';
import { buildReportData, type ReportData } from './report-data.js';
import { REPORT_CSS } from './styles.js';
import {
  cyclesSection,
  extractionSection,
  matrixSection,
  metricsSection,
  overviewSection,
  summaryCards,
  warningsSection,
} from './summary-sections.js';

function legend(data: ReportData): string {
  const items = data.groups
    .map((group, index) => ({ group, index }))
    .filter(({ group }) => group.files > 0)
    .map(
      ({ group, index }) =>
        `<li><button type="button" class="cand-link" data-group="${index}" title="${h(group.files)} files"><span class="swatch" style="background:${h(group.color)}"></span>${h(group.name)}</button></li>`,
    )
    .join('');
  return `<div class="legend" aria-label="legend"><ul>${items}</ul></div>`;
}

function intro(analysis: AnalysisV1, data: ReportData): string {
  const level = data.candidateLevel
    ? `<p>This repository has ${h(data.files.length.toLocaleString('en-US'))} files, so the graph opens with <b>one node per candidate</b>. Double-click a candidate, or open it and press “Show its files”, to see its files.</p>`
    : `<p>Each dot is a file, coloured by the service candidate it belongs to; the grey cluster in the middle is the shared kernel.</p>`;
  return (
    `<section class="panel" id="panel-intro" data-panel>` +
    `<h3>How to read this</h3>${level}` +
    `<ul class="bullets"><li>Click a candidate (its label, its node, or the legend) for its routes, tables and dependencies.</li>` +
    `<li>Click a file to see what it imports and what imports it.</li><li>Scroll to zoom, drag to pan; search a file by name above the graph.</li></ul>` +
    `<h4>Candidates (${h(analysis.candidates.length)})</h4><ul class="plain">${data.groups
      .map((group, index) => ({ group, index }))
      .filter(({ group }) => group.kind === 'candidate')
      .map(
        ({ group, index }) =>
          `<li><button type="button" class="cand-link" data-group="${index}"><span class="swatch" style="background:${h(group.color)}"></span>${h(group.name)}</button> <span class="dim">${h(group.files)} files · ${h(group.loc.toLocaleString('en-US'))} LOC</span></li>`,
      )
      .join('')}</ul></section>`
  );
}

export function renderHtml(analysis: AnalysisV1): string {
  const data = buildReportData(analysis);
  const seconds = (analysis.stats.durationMs / 1000).toFixed(1);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request may leave the page: everything it needs is inline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>Service boundaries: ${h(analysis.root)}</title>`,
    `<style>${REPORT_CSS}</style></head><body>`,
    `<header class="top"><h1>Service boundaries <span>${h(analysis.root)}</span></h1>`,
    `<p class="sub">${h(analysis.tool.name)} ${h(analysis.tool.version)} · analyzed in ${h(seconds)} s · ${h(analysis.candidates.length)} candidates from ${h(analysis.stats.files.toLocaleString('en-US'))} files</p></header>`,
    '<main>',
    summaryCards(analysis),
    '<section id="explorer" class="explorer"><div class="graph-wrap">',
    '<div class="toolbar"><div class="search-box"><input id="search" type="search" placeholder="Search a file by name…" autocomplete="off" aria-label="Search a file by name"><ul id="search-results" hidden></ul></div>',
    '<div class="seg" role="group" aria-label="view"><button type="button" id="view-candidates" data-view="candidates">Candidates</button><button type="button" id="view-files" data-view="files">All files</button></div>',
    '<button type="button" class="tool" id="reset-view">Reset view</button>',
    data.candidateLevel
      ? `<span class="level-note">${h(data.files.length.toLocaleString('en-US'))} files: one node per candidate, double-click to expand</span>`
      : '',
    '</div>',
    legend(data),
    '<div class="stage"><div id="graph"></div><div id="cluster-labels"></div>',
    '<div id="edge-note" class="edge-note" hidden>So many files: their import lines appear when you select a file or a candidate.</div>',
    '<div class="hint">big node = a candidate (size: its files) · dot = a file (size: its lines) · line thickness = imports · scroll to zoom · drag to pan</div></div></div>',
    `<aside id="side">${intro(analysis, data)}<section class="panel" id="panel-file" data-panel hidden></section>${groupPanels(analysis, data)}</aside></section>`,
    metricsSection(analysis),
    extractionSection(analysis, data),
    matrixSection(analysis, data),
    cyclesSection(analysis, data),
    overviewSection(analysis, data),
    warningsSection(analysis),
    '</main>',
    `<footer>Generated by ${h(analysis.tool.name)} ${h(analysis.tool.version)} from analysis.json (schema version 1).</footer>`,
    `<script id="report-data" type="application/json">${jsonForScript(data)}</script>`,
    `<script>${appBundle()}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
