/** The circuit breaker's whole table: every state × every event (STYLE.md habit 8). */
import { describe, expect, it } from 'vitest';
import type { BreakerConfig } from '../config/schema.js';
import { CLOSED, breakerAllows, breakerNext, type BreakerEvent, type BreakerState } from './breaker.js';

const config: BreakerConfig = { failureThreshold: 3, openFor: 1000, successThreshold: 2 };
const NOW = 10_000;

const cases: Array<[string, BreakerState, BreakerEvent, number, BreakerState]> = [
  ['closed, success', { name: 'closed', failures: 2 }, 'success', NOW, CLOSED],
  ['closed, failure under threshold', { name: 'closed', failures: 1 }, 'failure', NOW, { name: 'closed', failures: 2 }],
  ['closed, failure at threshold', { name: 'closed', failures: 2 }, 'failure', NOW, { name: 'open', until: NOW + 1000 }],
  ['closed, request', { name: 'closed', failures: 1 }, 'request', NOW, { name: 'closed', failures: 1 }],
  ['closed, tick', { name: 'closed', failures: 1 }, 'tick', NOW, { name: 'closed', failures: 1 }],
  ['open, tick before openFor', { name: 'open', until: NOW + 1 }, 'tick', NOW, { name: 'open', until: NOW + 1 }],
  ['open, tick after openFor', { name: 'open', until: NOW }, 'tick', NOW, { name: 'half-open', probing: false, successes: 0 }],
  ['open, late success', { name: 'open', until: NOW + 500 }, 'success', NOW, { name: 'open', until: NOW + 500 }],
  ['open, late failure', { name: 'open', until: NOW + 500 }, 'failure', NOW, { name: 'open', until: NOW + 500 }],
  ['open, request', { name: 'open', until: NOW + 500 }, 'request', NOW, { name: 'open', until: NOW + 500 }],
  [
    'half-open, request',
    { name: 'half-open', probing: false, successes: 0 },
    'request',
    NOW,
    { name: 'half-open', probing: true, successes: 0 },
  ],
  [
    'half-open probing, request',
    { name: 'half-open', probing: true, successes: 0 },
    'request',
    NOW,
    { name: 'half-open', probing: true, successes: 0 },
  ],
  [
    'half-open, success under threshold',
    { name: 'half-open', probing: true, successes: 0 },
    'success',
    NOW,
    { name: 'half-open', probing: false, successes: 1 },
  ],
  ['half-open, success at threshold', { name: 'half-open', probing: true, successes: 1 }, 'success', NOW, CLOSED],
  ['half-open, failure', { name: 'half-open', probing: true, successes: 1 }, 'failure', NOW, { name: 'open', until: NOW + 1000 }],
  ['half-open, tick', { name: 'half-open', probing: true, successes: 0 }, 'tick', NOW, { name: 'half-open', probing: true, successes: 0 }],
];

describe('circuit breaker: state × event', () => {
  it.each(cases)('%s', (_label, state, event, now, expected) => {
    expect(breakerNext(state, event, now, config)).toEqual(expected);
  });

  it('covers every state with every event', () => {
    const events: BreakerEvent[] = ['request', 'success', 'failure', 'tick'];
    for (const name of ['closed', 'open', 'half-open']) {
      for (const event of events) expect(cases.some(([, state, e]) => state.name === name && e === event)).toBe(true);
    }
  });

  it('lets requests through when closed, one trial when half-open, none when open', () => {
    expect(breakerAllows(CLOSED)).toBe(true);
    expect(breakerAllows({ name: 'open', until: NOW })).toBe(false);
    expect(breakerAllows({ name: 'half-open', probing: false, successes: 0 })).toBe(true);
    expect(breakerAllows({ name: 'half-open', probing: true, successes: 0 })).toBe(false);
  });

  it('runs a whole outage without sleeping: open, trial fails, reopen, trial passes, close', () => {
    let state: BreakerState = CLOSED;
    let now = 0;
    for (let i = 0; i < 3; i++) state = breakerNext(state, 'failure', now, config);
    expect(state.name).toBe('open');
    now += 999;
    state = breakerNext(state, 'tick', now, config);
    expect(breakerAllows(state)).toBe(false);
    now += 1;
    state = breakerNext(state, 'tick', now, config);
    state = breakerNext(state, 'request', now, config);
    state = breakerNext(state, 'failure', now, config);
    expect(state).toEqual({ name: 'open', until: now + 1000 });
    now += 1000;
    for (const event of ['tick', 'request', 'success', 'request', 'success'] as const) state = breakerNext(state, event, now, config);
    expect(state).toBe(CLOSED);
  });
});
