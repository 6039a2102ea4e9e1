/**
 * The HTML report in a real browser: headless Chromium (the Debian package) driven by
 * playwright-core opens the sample monolith's report from disk with every non-file request
 * aborted, checks the graph rendered, clicks a candidate and a file, searches, and saves a
 * screenshot to test-output/report.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeProject } from '../../analyzer/analyze-project.js';
import type { AnalysisV1 } from '../../common/contracts/analysis-v1.js';
import { renderHtml } from './render-html.js';
import { syntheticAnalysis } from './synthetic-analysis.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'test-output');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

interface Opened {
  page: Page;
  /** Requests for anything but file: URLs (all aborted). */
  blocked: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  dialogs: string[];
}

interface ReportState {
  candidateLevel: boolean;
  nodes: number;
  edges: number;
  expanded: number[];
  selected: { kind: string; index?: number };
}

let browser: Browser;
let shop: AnalysisV1;

async function open(html: string, name: string): Promise<Opened> {
  const file = join(OUT, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const opened: Opened = { page, blocked: [], errors: [], dialogs: [] };
  await page.route('**', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    opened.blocked.push(url);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') opened.errors.push(message.text());
  });
  page.on('pageerror', (error) => opened.errors.push(error.message));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  // A string predicate would need eval, which the report's Content-Security-Policy forbids.
  await page.waitForFunction(() => '__reportReady' in globalThis, null, { timeout: 30_000 });
  return opened;
}

/** Evaluates an expression in the page (the test program has no DOM types, so it is text). */
const inPage = async <T>(page: Page, expression: string): Promise<T> => (await page.evaluate(expression)) as T;

/** The state the report exposes for tests as window.__report. */
const state = (page: Page): Promise<ReportState> => inPage(page, 'window.__report.state()');

/** Pixels drawn on sigma's WebGL node layer, read right after a synchronous render. */
const paintedNodePixels = (page: Page): Promise<number> =>
  inPage(
    page,
    `(() => {
      const sigma = window.__report.sigma;
      sigma.refresh();
      const canvas = sigma.getCanvases().nodes;
      const gl = canvas && (canvas.getContext('webgl2') || canvas.getContext('webgl'));
      if (!gl) return -1;
      const pixels = new Uint8Array(gl.drawingBufferWidth * gl.drawingBufferHeight * 4);
      gl.readPixels(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      return painted;
    })()`,
  );

/** Clicks where sigma draws a node, through the real mouse. */
async function clickNode(page: Page, key: string): Promise<void> {
  const box = await page.locator('#graph').boundingBox();
  const at = await inPage<{ x: number; y: number }>(page, `window.__report.nodePosition(${JSON.stringify(key)})`);
  if (!box) throw new Error('graph container has no box');
  await page.mouse.click(box.x + at.x, box.y + at.y);
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  shop = await analyzeProject(join(ROOT, 'fixtures', 'shop-monolith'));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
});

describe('report.html in Chromium', () => {
  it('opens the sample monolith offline, draws the graph, and shows a clicked candidate, file and search hit', async () => {
    expect(shop.candidates.length).toBeGreaterThan(1);
    const { page, blocked, errors, dialogs } = await open(renderHtml(shop), 'report.html');

    const opened = await state(page);
    expect(opened.candidateLevel).toBe(false);
    expect(opened.nodes).toBe(shop.modules.length);
    expect(opened.edges).toBeGreaterThan(0);
    expect(await paintedNodePixels(page)).toBeGreaterThan(500);
    await expect.poll(() => page.locator('.cluster-label').count()).toBe(new Set(shop.modules.map((m) => m.candidate ?? '')).size);

    // A candidate with routes and tables (the most connected one), clicked by its label in the graph.
    const connections = (id: string): number =>
      shop.edges.filter((e) => [e.from, e.to].some((path) => shop.modules.find((m) => m.path === path)?.candidate === id)).length;
    const candidate = shop.candidates
      .filter((c) => c.routes.length > 0 && c.tables.length > 0)
      .sort((a, b) => connections(b.id) - connections(a.id))[0];
    const index = shop.candidates.findIndex((c) => c === candidate);
    if (!candidate) throw new Error('the sample monolith has no candidate with routes and tables');
    await page.locator(`.cluster-label[data-group="${index}"]`).click();
    const panel = page.locator(`#panel-${index}`);
    await expect.poll(() => panel.isVisible()).toBe(true);
    const text = (await panel.textContent()) ?? '';
    for (const route of candidate.routes) expect(text).toContain(route.path);
    for (const table of candidate.tables) expect(text).toContain(table.name);
    expect((await state(page)).selected).toEqual({ kind: 'group', index });
    await page.evaluate('window.scrollTo(0, 0)');
    await expect.poll(() => inPage<number>(page, 'window.scrollY')).toBe(0);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(OUT, 'report.png') });

    // A file, clicked on the canvas: its panel lists what it imports and what imports it.
    const busiest = [...shop.modules].sort(
      (a, b) => shop.edges.filter((e) => e.from === b.path).length - shop.edges.filter((e) => e.from === a.path).length,
    )[0];
    if (!busiest) throw new Error('no modules');
    const fileIndex = shop.modules.indexOf(busiest);
    await page.locator('#view-candidates').click();
    await page.locator('#view-files').click();
    await clickNode(page, `f${fileIndex}`);
    await expect.poll(() => page.locator('#panel-file').isVisible()).toBe(true);
    const fileText = (await page.locator('#panel-file').textContent()) ?? '';
    expect(fileText).toContain(busiest.path);
    expect(fileText).toContain(`Imports (${shop.edges.filter((e) => e.from === busiest.path).length})`);
    expect(fileText).toContain(`Imported by (${shop.edges.filter((e) => e.to === busiest.path).length})`);

    // Candidate level: one node per candidate; clicking one on the canvas opens its panel.
    await page.locator('#view-candidates').click();
    const collapsed = await state(page);
    expect(collapsed.nodes).toBe(new Set(shop.modules.map((m) => m.candidate ?? '')).size);
    await page.waitForTimeout(350);
    await clickNode(page, `g${index}`);
    await expect.poll(async () => (await state(page)).selected).toEqual({ kind: 'group', index });
    expect(await panel.isVisible()).toBe(true);

    // Search by file name.
    const target = shop.modules[shop.modules.length - 1]?.path ?? '';
    await page.locator('#search').fill(target.slice(target.lastIndexOf('/') + 1));
    await page.locator('#search').press('Enter');
    await expect.poll(() => page.locator('#panel-file h3').textContent()).toBe(target);

    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('runs no script from file names or candidate names', async () => {
    const evilFile = 'src/catalog/<img src=x onerror=alert(1)>.ts';
    const analysis = syntheticAnalysis({ files: 200, candidates: 4, extraModules: [evilFile], firstName: `"><script>alert(2)</script>` });
    const { page, blocked, errors, dialogs } = await open(renderHtml(analysis), 'report-escaping.html');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    await page.locator('.legend [data-group="0"]').click();
    expect(await page.locator('#panel-0 h3').textContent()).toContain(`"><script>alert(2)</script>`);
    await page.locator('#search').fill('onerror');
    await expect.poll(() => page.locator('.search-hit').first().textContent()).toContain(evilFile);
    await page.locator('.search-hit').first().click();
    await expect.poll(() => page.locator('#panel-file h3').textContent()).toBe(evilFile);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens an analysis with a single file and no candidate without errors', async () => {
    const analysis: AnalysisV1 = {
      schemaVersion: 1,
      tool: { name: 'strangler', version: '0.1.0' },
      root: 'tiny',
      stats: { files: 1, edges: 0, durationMs: 3 },
      modules: [{ path: 'index.ts', loc: 3, candidate: null }],
      edges: [],
      candidates: [],
      sharedKernel: [],
      metrics: { modularity: 0, sm: 0, icp: 0, ifn: 0, ned: 0 },
      extractionOrder: [],
      warnings: [],
    };
    const { page, errors } = await open(renderHtml(analysis), 'report-tiny.html');
    expect((await state(page)).nodes).toBe(1);
    await page.locator('#view-candidates').click();
    expect((await state(page)).nodes).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a 2,000-file analysis at candidate level and expands a candidate on demand', async () => {
    const analysis = syntheticAnalysis({ files: 2000, candidates: 10 });
    const { page, errors } = await open(renderHtml(analysis), 'report-large.html');
    const first = await state(page);
    expect(first.candidateLevel).toBe(true);
    expect(first.nodes).toBe(12);
    await page.waitForTimeout(200);
    await clickNode(page, 'g1');
    await expect.poll(async () => (await state(page)).selected).toEqual({ kind: 'group', index: 1 });
    await page.locator('#panel-1 [data-expand="1"]').click();
    const expanded = await state(page);
    expect(expanded.expanded).toEqual([1]);
    expect(expanded.nodes).toBe(11 + (analysis.candidates[1]?.modules.length ?? 0));
    expect(errors).toEqual([]);
    await page.close();
  });
});
