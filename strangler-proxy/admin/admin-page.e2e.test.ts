/**
 * The live admin page in a real browser (Chromium through playwright-core) against a real
 * admin server: it logs in with the token from the URL fragment, shows each route's split
 * and every instance's health, updates when a weight changes, and renders hostile strings
 * as text.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../control.js';
import { createProxyMetrics } from '../metrics/proxy-metrics.js';
import { startAdminServer, type AdminServer } from './server.js';
import { memoryControl, type MemoryControl } from './testing/memory-control.js';

const TOKEN = 'page-test-token-0123456789';
const HOSTILE_PATH = '/x/<img/src=x/onerror=window.pwned=1>&amp;"';
const instances: InstanceStatus[] = [
  {
    service: 'catalog',
    url: 'http://127.0.0.1:4101',
    healthy: true,
    ejected: false,
    breaker: 'closed',
    inflight: 1,
    ewmaMs: 1.25,
    requests: 40,
    failures: 0,
  },
  {
    service: 'catalog',
    url: 'http://127.0.0.1:4102',
    healthy: false,
    ejected: false,
    breaker: 'open',
    inflight: 0,
    ewmaMs: 9,
    requests: 12,
    failures: 7,
  },
];

describe('admin page', () => {
  let browser: Browser;
  let server: AdminServer;
  let control: MemoryControl;
  const metrics = createProxyMetrics({ processMetrics: false });

  beforeAll(async () => {
    control = memoryControl(
      [
        { id: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', weight: 20 },
        { id: 'hostile', match: { path: HOSTILE_PATH }, service: 'catalog', weight: 0, enabled: false },
      ],
      instances,
    );
    control.count('catalog', { matched: 200, diverted: 40, errors: 4 });
    server = await startAdminServer(
      control,
      metrics,
      { listen: { host: '127.0.0.1', port: 0 }, tokenEnv: 'T', metricsPublic: false },
      undefined,
      {
        env: { T: TOKEN },
      },
    );
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows routes, splits, instance health and error rates, and follows changes', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.waitForSelector('#routes tr');
    // The token left the address bar; it stays in this tab's sessionStorage only.
    expect(page.url()).toBe(`${server.url}/`);

    const routeRows = await page.$$eval('#routes tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
    );
    expect(routeRows[0]?.slice(0, 3)).toEqual(['catalog', '/api/catalog/**', 'catalog']);
    expect(routeRows[0]?.[3]).toContain('20 % service');
    expect(routeRows[0]?.[5]).toBe('20.0 %');
    expect(routeRows[0]?.[8]).toContain('2.0 %');
    expect(routeRows[1]?.[1]).toBe(HOSTILE_PATH);
    expect(routeRows[1]?.[3]).toContain('off');
    expect(await page.locator('#routes img').count()).toBe(0);
    expect(await page.evaluate("'pwned' in window")).toBe(false);

    const instanceRows = await page.$$eval('#instances tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
    );
    expect(instanceRows.map((row) => [row[1], row[2]])).toEqual([
      ['http://127.0.0.1:4101', 'healthy'],
      ['http://127.0.0.1:4102', 'unhealthy'],
    ]);

    control.setWeight('catalog', 75);
    control.count('catalog', { matched: 100, errors: 10 });
    await expect.poll(() => page.textContent('#routes tr td:nth-child(4)'), { timeout: 10_000 }).toContain('75 % service');
    // The error rate shown is that of the last interval: 10 of 100.
    await expect.poll(() => page.textContent('#routes tr td:nth-child(9)'), { timeout: 10_000 }).toBe('10.0 %');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('asks for the token when it has none or a wrong one', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/#token=wrong`);
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.textContent('#status')).toBe('the token was refused');
    await page.fill('#token', TOKEN);
    await page.click('#login button');
    await page.waitForSelector('#routes tr');
    expect(await page.isHidden('#login')).toBe(true);
    await page.close();
  });
});
