import { describe, expect, it } from 'vitest';
import type { OutlierConfig } from '../config/schema.js';
import { healthNext, STARTING_HEALTH } from './health-state.js';
import { FRESH_OUTLIER, isEjected, mayEjectOneMore, outlierNext, type OutlierState } from './outlier.js';

const config: OutlierConfig = { consecutive5xx: 3, baseEjection: 1000, maxEjectionPercent: 50 };

describe('passive outlier ejection', () => {
  it('ejects after consecutive 5xx, for longer each time, and forgives after a clean stretch', () => {
    let state: OutlierState = FRESH_OUTLIER;
    let now = 0;
    state = outlierNext(state, 500, now, config, true);
    state = outlierNext(state, 502, now, config, true);
    expect(isEjected(state, now)).toBe(false);
    state = outlierNext(state, 503, now, config, true);
    expect(isEjected(state, now)).toBe(true);
    expect(state.ejectedUntil).toBe(1000);
    now = 1000;
    expect(isEjected(state, now)).toBe(false);
    for (let i = 0; i < 3; i++) state = outlierNext(state, 500, now, config, true);
    expect(state.ejectedUntil).toBe(now + 2000);
    now = 3000;
    state = outlierNext(state, 200, now, config, true);
    expect(state.ejections).toBe(2);
    now = 4000;
    state = outlierNext(state, 200, now, config, true);
    expect(state.ejections).toBe(0);
  });

  it('a success in between resets the streak', () => {
    let state = outlierNext(FRESH_OUTLIER, 500, 0, config, true);
    state = outlierNext(state, 500, 0, config, true);
    state = outlierNext(state, 200, 0, config, true);
    state = outlierNext(state, 500, 0, config, true);
    expect(isEjected(state, 0)).toBe(false);
    expect(state.consecutive5xx).toBe(1);
  });

  it('never ejects beyond maxEjectionPercent', () => {
    let state: OutlierState = FRESH_OUTLIER;
    for (let i = 0; i < 5; i++) state = outlierNext(state, 500, 0, config, false);
    expect(isEjected(state, 0)).toBe(false);
    expect(mayEjectOneMore(0, 2, 50)).toBe(true);
    expect(mayEjectOneMore(1, 2, 50)).toBe(false);
    expect(mayEjectOneMore(0, 1, 50)).toBe(false);
    expect(mayEjectOneMore(2, 10, 30)).toBe(true);
    expect(mayEjectOneMore(3, 10, 30)).toBe(false);
  });
});

describe('active health state', () => {
  const thresholds = { healthyThreshold: 2, unhealthyThreshold: 3 };
  it('flips only after enough probes in a row', () => {
    let state = STARTING_HEALTH;
    state = healthNext(state, false, thresholds);
    state = healthNext(state, false, thresholds);
    expect(state.healthy).toBe(true);
    state = healthNext(state, true, thresholds);
    expect(state).toEqual({ healthy: true, streak: 0 });
    for (let i = 0; i < 3; i++) state = healthNext(state, false, thresholds);
    expect(state.healthy).toBe(false);
    state = healthNext(state, true, thresholds);
    expect(state.healthy).toBe(false);
    state = healthNext(state, true, thresholds);
    expect(state).toEqual({ healthy: true, streak: 0 });
  });
});
