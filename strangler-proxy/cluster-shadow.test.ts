import { describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { SHARED_SAMPLES, collectFigures, sumShadow, type WorkerFigures } from './cluster-figures.js';
import { parseProxyConfig } from './config/load.js';
import type { ShadowEvent, ShadowSample } from './control.js';
import { ProxyRuntime } from './runtime.js';

const config = parseProxyConfig({
  monolith: { instances: ['http://127.0.0.1:3000'] },
  services: { catalog: { instances: ['http://127.0.0.1:4000'] } },
  routes: [{ id: 'catalog', match: { path: '/api/**' }, service: 'catalog', weight: 0, shadow: { service: 'catalog' } }],
});

const mismatch = (route: string): ShadowEvent => ({
  route,
  primary: 'monolith',
  shadow: 'catalog',
  method: 'GET',
  outcome: 'mismatched',
  reasons: ['body'],
  primaryStatus: 200,
  shadowStatus: 200,
  shadowMs: 3,
  detail: undefined,
});

const sample = (at: number, route = 'catalog'): ShadowSample => ({
  at,
  route,
  method: 'GET',
  path: `/api/items/${at}`,
  primary: { service: 'monolith', status: 200 },
  shadow: { service: 'catalog', status: 200 },
  reasons: ['body'],
  diff: [`$.n: primary ${at}, shadow 0`],
});

/** A real runtime (no request is sent, so no connection is made) whose recorder saw `count` mismatches. */
function runtimeWith(count: number, firstAt: number): ProxyRuntime {
  const runtime = new ProxyRuntime({ config, logger: silentLogger });
  for (let index = 0; index < count; index++) runtime.shadowRecorder.record(mismatch('catalog'), sample(firstAt + index));
  return runtime;
}

describe('shadow reports across workers', () => {
  it('sends a worker’s shadow totals and only its latest SHARED_SAMPLES samples with its figures', async () => {
    const runtime = runtimeWith(SHARED_SAMPLES + 5, 1000);
    try {
      const figures = collectFigures('2', runtime, []);
      expect(figures.shadow?.routes).toEqual([{ route: 'catalog', totals: expect.objectContaining({ mismatched: SHARED_SAMPLES + 5 }) }]);
      expect(figures.shadow?.samples.map((entry) => entry.at)).toEqual(Array.from({ length: SHARED_SAMPLES }, (_, index) => 1005 + index));
      // It survives the IPC channel's serialisation as it is.
      expect(JSON.parse(JSON.stringify(figures))).toEqual(figures);
    } finally {
      await runtime.close(true);
    }
  });

  it('adds the other workers’ totals to the routes worker 1 has and merges every sample, oldest first, naming its worker', async () => {
    const [first, second, third] = [runtimeWith(3, 10), runtimeWith(2, 11), runtimeWith(1, 5)];
    try {
      const fromSecond = collectFigures('2', second, []);
      const shadow = fromSecond.shadow ?? fail();
      // A route only another worker still has (e.g. before worker 1 reloaded) is not added.
      const gone = { route: 'gone', totals: shadow.routes[0]?.totals ?? fail() };
      const others: WorkerFigures[] = [
        { ...fromSecond, shadow: { ...shadow, routes: [...shadow.routes, gone] } },
        collectFigures('3', third, []),
      ];
      const local = first.shadowReport();
      const merged = sumShadow(local, '1', others);
      expect(
        merged.routes.map((entry) => [entry.route, entry.totals.shadowed, entry.totals.mismatched, entry.totals.mismatchedBy.body]),
      ).toEqual([['catalog', 0, 6, 6]]);
      expect(merged.samples.map((entry) => [entry.at, 'worker' in entry ? entry.worker : undefined])).toEqual([
        [5, '3'],
        [10, '1'],
        [11, '1'],
        [11, '2'],
        [12, '1'],
        [12, '2'],
      ]);
      // Worker 1's own report is left as it was.
      expect(local.routes[0]?.totals.mismatched).toBe(3);
      expect(local.samples.some((entry) => 'worker' in entry)).toBe(false);
      // Alone (no figures yet), its samples still name it.
      expect(sumShadow(first.shadowReport(), '1', []).samples.every((entry) => 'worker' in entry && entry.worker === '1')).toBe(true);
    } finally {
      await Promise.all([first.close(true), second.close(true), third.close(true)]);
    }
  });
});

function fail(): never {
  throw new Error('no shadow figures');
}
