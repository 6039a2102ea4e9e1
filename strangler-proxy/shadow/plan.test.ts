import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import { loadProxyConfig, parseProxyConfig, withRoutes } from '../config/load.js';
import type { ShadowEvent } from '../control.js';
import { ShadowPlan, compileShadows } from './plan.js';
import { ShadowRecorder } from './recorder.js';

const base = {
  monolith: { instances: ['http://127.0.0.1:3000'] },
  services: { catalog: { instances: ['http://127.0.0.1:4000'] } },
};

function config(shadow: unknown, extra: Record<string, unknown> = {}) {
  return parseProxyConfig({
    ...base,
    routes: [{ id: 'catalog', match: { path: '/api/**' }, service: 'catalog', weight: 0, shadow, ...extra }],
  });
}

function problems(shadow: unknown): string {
  try {
    config(shadow);
  } catch (error) {
    if (isStranglerError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

function plan(shadow: unknown, random?: () => number): { plan: ShadowPlan; recorder: ShadowRecorder; events: ShadowEvent[] } {
  const route = config(shadow).routes[0];
  if (!route?.shadow) throw new Error('no shadow section');
  const events: ShadowEvent[] = [];
  const recorder = new ShadowRecorder({ onRequest: () => undefined, onShadow: (event) => events.push(event) });
  return { plan: new ShadowPlan(route.id, route.service, route.shadow, recorder, random), recorder, events };
}

describe('shadow config', () => {
  it('has safe defaults', () => {
    const shadow = config({ service: 'catalog' }).routes[0]?.shadow;
    expect(shadow).toEqual({
      service: 'catalog',
      percent: 100,
      methods: ['GET', 'HEAD'],
      compare: { status: true, headers: [], body: 'json', ignoreJsonPaths: [] },
      maxBodyBytes: 1024 * 1024,
      timeout: 5000,
      maxConcurrent: 32,
    });
    expect(config(undefined).routes[0]?.shadow).toBeUndefined();
  });

  it('names the bad key', () => {
    expect(problems({ service: 'nope' })).toMatch(
      /routes\[0\]\.shadow\.service: unknown service "nope"; use "monolith" or one of: catalog/,
    );
    expect(problems({ service: 'catalog', percent: 101 })).toMatch(/routes\[0\]\.shadow\.percent: must be <= 100/);
    expect(problems({ service: 'catalog', compare: { body: 'xml' } })).toMatch(/routes\[0\]\.shadow\.compare\.body: expected one of/);
    expect(problems({ service: 'catalog', compare: { ignoreJsonPaths: ['$.ok', 'generatedAt'] } })).toMatch(
      /routes\[0\]\.shadow\.compare\.ignoreJsonPaths\[1\]: "generatedAt" must start with \$/,
    );
    expect(problems({ service: 'catalog', methods: ['post'] })).toMatch(/routes\[0\]\.shadow\.methods\[0\]/);
    expect(problems({ service: 'catalog', timeout: 'soon' })).toMatch(/routes\[0\]\.shadow\.timeout/);
  });

  it('checks the shadow service when routes are replaced (admin API)', () => {
    const current = config(undefined);
    expect(() => withRoutes(current, [{ id: 'q', match: { path: '/q' }, service: 'catalog', shadow: { service: 'zzz' } }])).toThrow(
      /routes\[0\]\.shadow\.service: unknown service "zzz"/,
    );
  });

  it('loads the documented example', async () => {
    const example = await loadProxyConfig(join(import.meta.dirname, '..', 'example.yaml'));
    expect(example.routes[0]?.shadow).toMatchObject({ service: 'catalog', percent: 10, compare: { body: 'json' }, timeout: 5000 });
  });

  it('accepts the monolith as the shadow side', () => {
    expect(config({ service: 'monolith' }, { weight: 100 }).routes[0]?.shadow?.service).toBe('monolith');
  });
});

describe('shadow plan', () => {
  it('copies GET and HEAD only by default, counting other methods as skipped', () => {
    const { plan: shadow, recorder } = plan({ service: 'catalog' });
    expect(shadow.begin('GET', '/api/a', {}, false)).toBeDefined();
    expect(shadow.begin('HEAD', '/api/a', {}, false)).toBeDefined();
    expect(shadow.begin('POST', '/api/a', { 'content-length': '2' }, true)).toBeUndefined();
    expect(shadow.begin('DELETE', '/api/a', {}, false)).toBeUndefined();
    const totals = recorder.report().routes[0]?.totals;
    expect(totals?.skippedBy.method).toBe(2);
    expect(totals?.shadowed).toBe(0);
  });

  it('buffers only small bodies with a declared length', () => {
    const { plan: shadow, recorder } = plan({ service: 'catalog', methods: ['POST'], maxBodyBytes: 100 });
    expect(shadow.begin('POST', '/api/a', { 'content-length': '100' }, true)?.needsBody).toBe(true);
    expect(shadow.begin('POST', '/api/a', {}, false)?.needsBody).toBe(false);
    expect(shadow.begin('POST', '/api/a', { 'content-length': '101' }, true)).toBeUndefined();
    expect(shadow.begin('POST', '/api/a', { 'transfer-encoding': 'chunked' }, true)).toBeUndefined();
    expect(recorder.report().routes[0]?.totals.skippedBy.body).toBe(2);
  });

  it('samples by percent', () => {
    let next = 0;
    const values = [0.0, 0.249, 0.25, 0.9];
    const { plan: shadow } = plan({ service: 'catalog', percent: 25 }, () => values[next++] ?? 0);
    expect(values.map(() => shadow.begin('GET', '/api/a', {}, false) !== undefined)).toEqual([true, true, false, false]);
    const { plan: never } = plan({ service: 'catalog', percent: 0 }, () => 0);
    expect(never.begin('GET', '/api/a', {}, false)).toBeUndefined();
  });

  it('sends the copy to the other side of whoever answered', () => {
    const toService = plan({ service: 'catalog' }).plan.begin('GET', '/api/a', {}, false);
    expect(toService?.targetFor('monolith')).toBe('catalog');
    expect(toService?.targetFor('catalog')).toBe('monolith');
    const toMonolith = plan({ service: 'monolith' }).plan.begin('GET', '/api/a', {}, false);
    expect(toMonolith?.targetFor('catalog')).toBe('monolith');
    expect(toMonolith?.targetFor('monolith')).toBe('catalog');
  });

  it('reports a skipped trip once, to the counters and the observer', () => {
    const { plan: shadow, recorder, events } = plan({ service: 'catalog' });
    const trip = shadow.begin('GET', '/api/a?x=1', {}, false);
    trip?.skip('the primary failed');
    trip?.skip('again');
    expect(events.map((event) => [event.outcome, event.detail])).toEqual([['skipped', 'the primary failed']]);
    expect(recorder.report().routes[0]?.totals.skippedBy.primary).toBe(1);
  });
});

describe('shadow bounds', () => {
  it('skips copies beyond maxConcurrent until one settles', () => {
    const { plan: shadow, recorder } = plan({ service: 'catalog', maxConcurrent: 1 });
    const first = shadow.begin('GET', '/api/a', {}, false);
    expect(first).toBeDefined();
    expect(shadow.begin('GET', '/api/b', {}, false)).toBeUndefined();
    expect(recorder.report().routes[0]?.totals.skippedBy.busy).toBe(1);
    first?.skip('the primary failed');
    expect(shadow.running).toBe(0);
    expect(shadow.begin('GET', '/api/c', {}, false)).toBeDefined();
  });

  it('keeps counting when the observer throws', () => {
    const route = config({ service: 'catalog' }).routes[0];
    if (!route?.shadow) throw new Error('no shadow section');
    const recorder = new ShadowRecorder({
      onRequest: () => undefined,
      onShadow: () => {
        throw new Error('observer bug');
      },
    });
    const trip = new ShadowPlan(route.id, route.service, route.shadow, recorder).begin('GET', '/api/a', {}, false);
    expect(() => trip?.skip('the primary failed')).not.toThrow();
    expect(recorder.report().routes[0]?.totals.skipped).toBe(1);
  });
});

describe('compileShadows', () => {
  it('is undefined when no route has a shadow section', () => {
    const recorder = new ShadowRecorder(undefined);
    expect(compileShadows(config(undefined).routes, recorder)).toBeUndefined();
    expect(compileShadows(config({ service: 'catalog' }).routes, recorder)?.get('catalog')).toBeInstanceOf(ShadowPlan);
  });

  it('keeps totals across a reload and drops them with the route', () => {
    const recorder = new ShadowRecorder(undefined);
    compileShadows(config({ service: 'catalog' }).routes, recorder);
    recorder.sent('catalog');
    compileShadows(config({ service: 'catalog', percent: 50 }).routes, recorder);
    expect(recorder.report().routes).toMatchObject([{ route: 'catalog', percent: 50, totals: { shadowed: 1 } }]);
    compileShadows(parseProxyConfig(base).routes, recorder);
    expect(recorder.report().routes).toEqual([]);
  });

  it('keeps at most the last 50 samples', () => {
    const recorder = new ShadowRecorder(undefined);
    for (let index = 0; index < 60; index++) {
      recorder.record(
        {
          route: 'r',
          primary: 'monolith',
          shadow: 'catalog',
          method: 'GET',
          outcome: 'mismatched',
          reasons: ['body'],
          primaryStatus: 200,
          shadowStatus: 200,
          shadowMs: 1,
          detail: undefined,
        },
        {
          at: index,
          route: 'r',
          method: 'GET',
          path: `/p/${index}`,
          primary: { service: 'monolith', status: 200 },
          shadow: { service: 'catalog', status: 200 },
          reasons: ['body'],
          diff: [],
        },
      );
    }
    const report = recorder.report();
    expect(report.samples).toHaveLength(50);
    expect(report.samples[0]?.path).toBe('/p/10');
    expect(report.routes[0]?.totals).toMatchObject({ mismatched: 60, mismatchedBy: { body: 60, status: 0, headers: 0 } });
  });
});
