import { describe, expect, it } from 'vitest';
import { isAnalysisV1, type AnalysisV1 } from '../../common/contracts/analysis-v1.js';
import { REPORTERS } from '../index.js';
import { appBundle } from './app-bundle.js';
import { isScriptSafe } from './escape.js';
import { renderHtml } from './render-html.js';
import type { ReportData } from './report-data.js';
import { syntheticAnalysis } from './synthetic-analysis.js';

const EVIL_FILE = 'src/catalog/<img src=x onerror=alert(1)>.ts';
const EVIL_NAME = `Catalog "quoted" 'single' </script><script>alert(2)</script>`;

function evil(): AnalysisV1 {
  const analysis = syntheticAnalysis({ files: 300, candidates: 5, extraModules: [EVIL_FILE], firstName: EVIL_NAME });
  analysis.root = 'shop <b>&</b>';
  analysis.warnings.push({ code: 'PARSE_ERROR', path: EVIL_FILE, message: 'Unexpected <token> & "more" \u2028 here' });
  const first = analysis.candidates[0];
  if (first) {
    first.routes.push({ method: 'GET', path: '/x/<svg onload=alert(3)>', module: EVIL_FILE });
    first.tables.push({ name: 't"><img src=y>', reads: 1, writes: 1 });
  }
  analysis.edges.push({ from: EVIL_FILE, to: analysis.candidates[1]?.modules[0] ?? '', weight: 9, typeOnly: false, dynamic: false });
  return analysis;
}

const EMPTY: AnalysisV1 = {
  schemaVersion: 1,
  tool: { name: 'strangler', version: '0.1.0' },
  root: 'empty',
  stats: { files: 0, edges: 0, durationMs: 3 },
  modules: [],
  edges: [],
  candidates: [],
  sharedKernel: [],
  metrics: { modularity: 0, sm: 0, icp: 0, ifn: 0, ned: 0 },
  extractionOrder: [],
  warnings: [],
};

function embeddedData(html: string): ReportData {
  const match = /<script id="report-data" type="application\/json">([^<]*)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match?.[1] ?? 'null') as ReportData;
}

describe('renderHtml', () => {
  it('renders a contract-valid analysis into one HTML document', () => {
    const analysis = evil();
    expect(isAnalysisV1(analysis)).toBe(true);
    const html = renderHtml(analysis);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('escapes every string that comes from the analysis', () => {
    const html = renderHtml(evil());
    for (const raw of ['<img src=x', '<img src=y', '<svg onload', '<script>alert(2)', '<b>&</b>'])
      expect(html.includes(raw), raw).toBe(false);
    expect(html).toContain('src/catalog/&lt;img src=x onerror=alert(1)&gt;.ts');
    expect(html).toContain('Catalog &quot;quoted&quot; &#39;single&#39; &lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('data-file="src/catalog/&lt;img src=x onerror=alert(1)&gt;.ts"');
    // Exactly the two script elements the renderer writes: the data and the bundled app.
    expect(html.match(/<script\b/gi)?.length).toBe(2);
    expect(html.match(/<\/script/gi)?.length).toBe(2);
  });

  it('embeds the data as JSON that reads back unchanged and holds no raw < > & or line separators', () => {
    const html = renderHtml(evil());
    const raw = /<script id="report-data" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    expect(raw.length).toBeGreaterThan(1000);
    expect(raw).not.toMatch(/[<>&\u2028\u2029]/);
    const data = embeddedData(html);
    expect(data.files.map((f) => f[0])).toContain(EVIL_FILE);
    expect(data.groups[0]?.name).toBe(EVIL_NAME);
  });

  it('is self-contained: no external scripts, styles, images or fonts', () => {
    const html = renderHtml(evil());
    expect(/<script[^>]*\ssrc=/i.test(html)).toBe(false);
    expect(/<link\b/i.test(html)).toBe(false);
    expect(/<img\b/i.test(html)).toBe(false);
    const page = html.slice(0, html.lastIndexOf('<script>'));
    expect(/@import|url\(/i.test(page)).toBe(false);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
  });

  it('is a pure function of the analysis', () => {
    const analysis = evil();
    expect(renderHtml(analysis)).toBe(renderHtml(structuredClone(analysis)));
  });

  it('shows the summary, the metrics with their meaning, the order with reasons, the matrix and the warnings', () => {
    const analysis = syntheticAnalysis({ files: 400, candidates: 6 });
    const html = renderHtml(analysis);
    expect(html).toContain(`<div class="card-value">${analysis.stats.files}</div><div class="card-label">files</div>`);
    expect(html).toContain('Share of import weight that crosses candidate lines');
    expect(html).toContain('↓ lower is better');
    expect(html).toContain('↑ higher is better');
    for (const step of analysis.extractionPlan ?? []) expect(html).toContain(step.reason.replace(/&/g, '&amp;'));
    const shared = analysis.sharedTables ?? [];
    expect(shared.length).toBeGreaterThan(0);
    const sharedRows = html.match(/<tr class="shared-table"><th scope="row">/g)?.length ?? 0;
    expect(sharedRows).toBeGreaterThanOrEqual(shared.length);
    expect(html).toContain(`<h2>Warnings (${analysis.warnings.length})</h2>`);
  });

  it('gives every candidate a panel with its routes, tables, dependencies and cycles', () => {
    const analysis = syntheticAnalysis({ files: 400, candidates: 6 });
    const html = renderHtml(analysis);
    analysis.candidates.forEach((candidate, index) => {
      const start = html.indexOf(`<section class="panel" id="panel-${index}"`);
      expect(start).toBeGreaterThan(0);
      const panel = html.slice(start, html.indexOf('</section>', start));
      for (const route of candidate.routes) expect(panel).toContain(`<code>${route.path}</code>`);
      for (const table of candidate.tables) expect(panel).toContain(`<code>${table.name}</code>`);
      for (const dependency of candidate.dependsOn)
        expect(panel).toContain(`>${dependency.candidate}</button> <span class="dim">${dependency.edges} import`);
      for (const cycle of (analysis.cycles ?? []).filter((c) => c.includes(candidate.id))) expect(panel).toContain(cycle.join(' → '));
      expect(panel).toContain(`<b>${candidate.metrics.files}</b> files`);
    });
  });

  it('lists the files left out by kind, each with its reason on hover, and counts them', () => {
    const analysis = syntheticAnalysis({ files: 300, candidates: 4 });
    const out = analysis.modules.filter((module) => module.candidate === null).map((module) => module.path);
    expect(out.length).toBeGreaterThan(2);
    const [tooling, ...frontend] = out;
    analysis.leftOut = {
      [tooling ?? '']: 'tooling: in a scripts/ folder (migrations, seeds, scripts run beside the services)',
      ...Object.fromEntries(frontend.map((path) => [path, 'frontend: browser UI (imports react) that no server code imports'])),
    };
    const html = renderHtml(analysis);
    expect(html).toContain(`Frontend files (${frontend.length}), largest first`);
    expect(html).toContain('Tooling files (1), largest first');
    expect(html).toContain(`${out.length} files left out: ${frontend.length} frontend (browser UI that no server code imports`);
    expect(html).toContain(`data-file="${tooling ?? ''}" title="tooling: in a scripts/ folder`);
  });

  it('opens large analyses at candidate level', () => {
    expect(embeddedData(renderHtml(syntheticAnalysis({ files: 800, candidates: 6 }))).candidateLevel).toBe(false);
    expect(embeddedData(renderHtml(syntheticAnalysis({ files: 2000, candidates: 8 }))).candidateLevel).toBe(true);
  });

  it('renders an analysis with nothing in it', () => {
    const html = renderHtml(EMPTY);
    expect(embeddedData(html).files).toEqual([]);
    expect(html).toContain('<div class="card-value">0</div><div class="card-label">service candidates</div>');
  });

  it('is the html entry of the report registry', () => {
    expect(REPORTERS.html.fileName).toBe('report.html');
    expect(REPORTERS.html.render).toBe(renderHtml);
  });
});

describe('appBundle', () => {
  it('is a minified script with sigma and graphology that can be inlined', () => {
    const code = appBundle();
    expect(code.length).toBeGreaterThan(50_000);
    expect(isScriptSafe(code)).toBe(true);
    expect(code).toMatch(/sigma 3\.\d+\.\d+ \(MIT/);
    expect(code).toMatch(/graphology 0\.\d+\.\d+ \(MIT/);
    expect(code).not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket\(/);
  });
});
