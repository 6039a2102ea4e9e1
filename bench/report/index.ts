/**
 * bench/report: does report.html for a 10,000-file analysis open and become interactive in
 * under 3 s in headless Chromium? Generates a contract-valid synthetic analysis (~25
 * candidates, ~40k import edges), renders it, opens it from disk and measures, in the page's
 * own clock from navigation start, the first frame after sigma drew the graph
 * (window.__reportReady), then how long a click on a candidate node takes to show its
 * panel, expanding the largest candidate, and switching to all 10,000 files.
 *
 * Reference, same run and same browser: the Markdown report of the same analysis (the same
 * content without the interactive graph) in a plain HTML page (<pre>), measured to its first
 * frame the same way. It is the floor of "a page holding this much text"; the ratio says
 * what the graph, the data and the bundled script cost on top.
 *
 *   node --import tsx bench/report/index.ts [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { escapeHtml } from '../../reports/html/escape.js';
import { renderHtml } from '../../reports/html/render-html.js';
import { syntheticAnalysis } from '../../reports/html/synthetic-analysis.js';
import { renderMarkdown } from '../../reports/markdown.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WORK = join(ROOT, 'bench', '.work', 'report');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const TARGET_MS = 3000;
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

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const round = (value: number): number => Math.round(value);

async function newPage(browser: Browser, file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const requests: string[] = [];
  await page.route('**', async (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
  await until(page, '"__reportReady" in window');
  return { page, requests };
}

/**
 * Polls a page expression until it holds. (page.waitForFunction would evaluate a string
 * with eval, which the report's Content-Security-Policy forbids; CDP evaluation is not
 * subject to it.)
 */
async function until(page: Page, expression: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
  }
}

const readyAt = async (page: Page): Promise<number> => Number(await page.evaluate('window.__reportReady'));

/**
 * In the page's clock: clicks `selector` (a DOM click: the handler runs synchronously) and
 * waits for the second animation frame after it, i.e. until the result has been painted.
 */
async function paintedAfterClick(page: Page, selector: string): Promise<number> {
  await page.evaluate(`window.__bench = undefined; (() => {
    const started = performance.now();
    document.querySelector(${JSON.stringify(selector)}).click();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench = performance.now() - started; }));
  })()`);
  await until(page, 'window.__bench !== undefined');
  return Number(await page.evaluate('window.__bench'));
}

/** Wall time of an action in the page until `done` (a page expression) holds. */
async function timed(page: Page, action: () => Promise<void>, done: string): Promise<number> {
  const started = performance.now();
  await action();
  await until(page, done);
  return performance.now() - started;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  // Warm-up: from source the first render also bundles the browser script (cached after).
  renderHtml(syntheticAnalysis({ files: 50, candidates: 3 }));
  let started = performance.now();
  const analysis = syntheticAnalysis({ files: 10_000, candidates: 25, edgesPerFile: 4.2 });
  const generateMs = performance.now() - started;
  started = performance.now();
  const html = renderHtml(analysis);
  const renderMs = performance.now() - started;
  const reportFile = join(WORK, 'report.html');
  writeFileSync(reportFile, html);
  const reference =
    `<!doctype html><html><head><meta charset="utf-8"><title>reference</title></head><body><pre>${escapeHtml(renderMarkdown(analysis))}</pre>` +
    `<script>requestAnimationFrame(() => { window.__reportReady = performance.now(); });</script></body></html>`;
  const referenceFile = join(WORK, 'reference.html');
  writeFileSync(referenceFile, reference);

  const largest = analysis.candidates.reduce(
    (best, c, i) => (c.modules.length > (analysis.candidates[best]?.modules.length ?? 0) ? i : best),
    0,
  );
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const ours: number[] = [];
  const refs: number[] = [];
  const oursWall: number[] = [];
  const refsWall: number[] = [];
  const clicks: number[] = [];
  const expands: number[] = [];
  const allFiles: number[] = [];
  const blocked: string[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // Alternate the order so neither page always gets the warmer browser.
      for (const which of run % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours']) {
        const wallStarted = performance.now();
        const { page, requests } = await newPage(browser, which === 'ours' ? reportFile : referenceFile);
        (which === 'ours' ? oursWall : refsWall).push(performance.now() - wallStarted);
        blocked.push(...requests);
        if (which === 'reference') {
          refs.push(await readyAt(page));
          await page.close();
          continue;
        }
        ours.push(await readyAt(page));
        const box = await page.locator('#graph').boundingBox();
        const at = (await page.evaluate(`window.__report.nodePosition('g${largest}')`)) as { x: number; y: number };
        clicks.push(
          await timed(
            page,
            () => page.mouse.click((box?.x ?? 0) + at.x, (box?.y ?? 0) + at.y),
            `!document.getElementById('panel-${largest}').hidden`,
          ),
        );
        expands.push(await paintedAfterClick(page, `#panel-${largest} [data-expand="${largest}"]`));
        if (!((await page.evaluate('window.__report.state().expanded')) as number[]).includes(largest))
          throw new Error('the candidate did not expand');
        // The slowest step: in --quick measured in the first run only.
        if (!quick || run === 0) {
          allFiles.push(await paintedAfterClick(page, '#view-files'));
          if ((await page.evaluate('window.__report.state().nodes')) !== analysis.modules.length)
            throw new Error('not all files are drawn');
        }
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }

  const figures = {
    files: analysis.modules.length,
    edges: analysis.edges.length,
    candidates: analysis.candidates.length,
    htmlBytes: Buffer.byteLength(html),
    referenceBytes: Buffer.byteLength(reference),
    generateMs: round(generateMs),
    renderMs: round(renderMs),
    interactiveMs: round(median(ours)),
    referenceMs: round(median(refs)),
    ratio: Math.round((median(ours) / median(refs)) * 100) / 100,
    interactiveWallMs: round(median(oursWall)),
    referenceWallMs: round(median(refsWall)),
    clickMs: round(median(clicks)),
    expandMs: round(median(expands)),
    allFilesMs: round(median(allFiles)),
    runs: RUNS,
    targetMs: TARGET_MS,
    underTarget: median(ours) + median(clicks) < TARGET_MS,
    networkRequests: blocked.length,
  };
  const rows: Array<[string, string]> = [
    ['analysis', `${figures.files} files, ${figures.edges} edges, ${figures.candidates} candidates`],
    ['report.html', `${(figures.htmlBytes / 1e6).toFixed(2)} MB, rendered in ${figures.renderMs} ms`],
    ['reference page (Markdown report in <pre>)', `${(figures.referenceBytes / 1e6).toFixed(2)} MB`],
    ['report: navigation -> graph drawn (median)', `${figures.interactiveMs} ms  [${ours.map(round).join(', ')}]`],
    ['reference: navigation -> first frame (median)', `${figures.referenceMs} ms  [${refs.map(round).join(', ')}]`],
    ['ratio report / reference', `${figures.ratio}`],
    ['same, wall clock from page.goto (report / reference)', `${figures.interactiveWallMs} ms / ${figures.referenceWallMs} ms`],
    ['mouse click on a candidate node -> its panel (wall)', `${figures.clickMs} ms`],
    [`expand the largest candidate (${analysis.candidates[largest]?.modules.length ?? 0} files) -> painted`, `${figures.expandMs} ms`],
    [`switch to all ${figures.files} files -> painted`, `${figures.allFilesMs} ms`],
    [`opens and answers a click under ${TARGET_MS} ms`, figures.underTarget ? 'yes' : 'NO'],
    ['requests for anything but the file', `${figures.networkRequests}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  console.log(JSON.stringify(figures));
}

await main();
