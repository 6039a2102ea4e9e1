/**
 * Shadow reports with `strangler proxy --workers 2` (the real CLI, node:cluster, real
 * upstream processes): worker 1's admin API /api/shadow sums both workers' totals and shows
 * mismatch samples from both, each naming its worker, the other worker's bounded to its
 * latest SHARED_SAMPLES.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_SAMPLES, type WorkerShadowSample } from '../../strangler-proxy/cluster-figures.js';
import type { ShadowReport } from '../../strangler-proxy/control.js';
import { parseExposition } from '../../strangler-proxy/metrics/parse-exposition.js';
import { startService, type ServiceProcess } from '../helpers/processes.js';
import { ROOT, sleep, startUpstream, tempDir } from './helpers.js';

const token = 'cluster-shadow-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
let monolith: ServiceProcess;
let catalog: ServiceProcess;
let proxy: ServiceProcess;
let admin: string;

beforeAll(async () => {
  [monolith, catalog] = await Promise.all([startUpstream('monolith'), startUpstream('catalog')]);
  const file = join(tempDir(), 'shadow.yaml');
  writeFileSync(
    file,
    [
      'listen: { host: 127.0.0.1, port: 0 }',
      `monolith: { instances: ["${monolith.baseUrl}"] }`,
      `services: { catalog: { instances: ["${catalog.baseUrl}"] } }`,
      'routes:',
      // Users get the monolith; every request is copied to the catalog, whose answers name another upstream.
      '  - { id: catalog, match: { path: /api/catalog/** }, service: catalog, weight: 0, shadow: { service: catalog, maxConcurrent: 100 } }',
      'accessLog: false',
      'admin: { listen: { host: 127.0.0.1, port: 0 }, tokenEnv: TEST_ADMIN_TOKEN }',
      '',
    ].join('\n'),
  );
  proxy = await startService({
    cwd: ROOT,
    entry: 'cli/main.ts',
    args: ['proxy', '--config', file, '--workers', '2'],
    env: { TEST_ADMIN_TOKEN: token },
  });
  const until = Date.now() + 20_000;
  while (!/admin API and \/metrics on http:\/\//.test(proxy.output())) {
    if (Date.now() > until) throw new Error(`no admin API:\n${proxy.output()}`);
    await sleep(50);
  }
  admin = /admin API and \/metrics on (http:\/\/[^\s]+)/.exec(proxy.output())?.[1] ?? '';
});

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([monolith?.stop(), catalog?.stop()]);
});

type MergedReport = Omit<ShadowReport, 'samples'> & { samples: WorkerShadowSample[] };

async function shadowReport(): Promise<MergedReport> {
  const response = await fetch(`${admin}/api/shadow`, { headers: auth });
  expect(response.status).toBe(200);
  return (await response.json()) as MergedReport;
}

/** Requests each worker served, from worker 1's /metrics. */
async function servedBy(): Promise<Record<string, number>> {
  const parsed = parseExposition(await (await fetch(`${admin}/metrics`, { headers: auth })).text());
  const served: Record<string, number> = {};
  for (const sample of parsed.samples) {
    const worker = sample.labels.worker;
    if (sample.name === 'strangler_proxy_worker_requests_total' && worker !== undefined) served[worker] = sample.value;
  }
  return served;
}

describe('shadow reports with --workers 2', () => {
  it('sums both workers’ shadow totals and shows mismatch samples from both, naming the worker', async () => {
    const total = 60;
    // Fresh connections: the primary hands them to the workers in turn, so both serve (and shadow) some.
    const statuses = await Promise.all(
      Array.from({ length: total }, (_, index) =>
        fetch(`${proxy.baseUrl}/api/catalog/items/${index}`, { headers: { connection: 'close' } }).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));

    // The other worker reports every second: wait until worker 1's answers cover all 60 requests and comparisons.
    const until = Date.now() + 15_000;
    const mismatched = (report: MergedReport): number => report.routes.find((route) => route.route === 'catalog')?.totals.mismatched ?? 0;
    let report = await shadowReport();
    let served = await servedBy();
    while (mismatched(report) < total || (served['1'] ?? 0) + (served['2'] ?? 0) < total) {
      if (Date.now() > until) throw new Error(`never reached ${total}: ${JSON.stringify({ served, routes: report.routes })}`);
      await sleep(200);
      [report, served] = await Promise.all([shadowReport(), servedBy()]);
    }
    expect(report.routes).toEqual([
      expect.objectContaining({
        route: 'catalog',
        service: 'catalog',
        totals: expect.objectContaining({ shadowed: total, mismatched: total }),
      }),
    ]);

    const [first = 0, second = 0] = [served['1'], served['2']];
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(first + second).toBe(total);
    const byWorker = (worker: string): WorkerShadowSample[] => report.samples.filter((sample) => sample.worker === worker);
    // Worker 1 keeps its latest 50; the other sends its latest SHARED_SAMPLES.
    expect(byWorker('1')).toHaveLength(Math.min(50, first));
    expect(byWorker('2')).toHaveLength(Math.min(SHARED_SAMPLES, second));
    expect(report.samples).toHaveLength(byWorker('1').length + byWorker('2').length);
    for (const sample of report.samples) {
      expect(sample).toMatchObject({
        route: 'catalog',
        method: 'GET',
        primary: { service: 'monolith', status: 200 },
        shadow: { service: 'catalog', status: 200 },
        reasons: ['body'],
      });
      expect(sample.path).toMatch(/^\/api\/catalog\/items\/\d+$/);
      expect(sample.diff).toContain('$.name: primary "monolith", shadow "catalog"');
    }
    // Oldest first across workers.
    const times = report.samples.map((sample) => sample.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
