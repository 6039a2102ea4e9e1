import { describe, expect, it } from 'vitest';
import { backoffDelay, initialMachine, transition, type RunnerEvent, type RunnerMachine, type RunnerState } from './state-machine.js';

const policy = { initialMs: 100, maxMs: 1_000 };
const STATES: RunnerState[] = ['idle', 'connecting', 'snapshotting', 'streaming', 'backoff', 'stopping', 'stopped', 'failed'];
const EVENTS: RunnerEvent[] = [
  { type: 'start' },
  { type: 'connected' },
  { type: 'snapshot' },
  { type: 'snapshotDone' },
  { type: 'applied' },
  { type: 'sourceLost', error: 'source down' },
  { type: 'targetLost', error: 'target down' },
  { type: 'retryDue' },
  { type: 'stop' },
  { type: 'drained' },
  { type: 'fatal', error: 'boom' },
];

/** Expected next state for every state × event ('-' = unchanged). */
const TABLE: Record<RunnerState, Record<RunnerEvent['type'], RunnerState | '-'>> = {
  idle: {
    start: 'connecting',
    connected: '-',
    snapshot: '-',
    snapshotDone: '-',
    applied: '-',
    sourceLost: '-',
    targetLost: '-',
    retryDue: '-',
    stop: 'stopped',
    drained: '-',
    fatal: 'failed',
  },
  connecting: {
    start: '-',
    connected: 'streaming',
    snapshot: 'snapshotting',
    snapshotDone: '-',
    applied: 'streaming',
    sourceLost: 'backoff',
    targetLost: 'backoff',
    retryDue: '-',
    stop: 'stopping',
    drained: '-',
    fatal: 'failed',
  },
  snapshotting: {
    start: '-',
    connected: '-',
    snapshot: '-',
    snapshotDone: 'streaming',
    applied: '-',
    sourceLost: 'backoff',
    targetLost: 'backoff',
    retryDue: '-',
    stop: 'stopping',
    drained: '-',
    fatal: 'failed',
  },
  streaming: {
    start: '-',
    connected: '-',
    snapshot: '-',
    snapshotDone: '-',
    applied: '-',
    sourceLost: 'backoff',
    targetLost: 'backoff',
    retryDue: '-',
    stop: 'stopping',
    drained: '-',
    fatal: 'failed',
  },
  backoff: {
    start: '-',
    connected: '-',
    snapshot: '-',
    snapshotDone: '-',
    applied: '-',
    sourceLost: 'backoff',
    targetLost: 'backoff',
    retryDue: 'connecting',
    stop: 'stopped',
    drained: '-',
    fatal: 'failed',
  },
  stopping: {
    start: '-',
    connected: '-',
    snapshot: '-',
    snapshotDone: '-',
    applied: '-',
    sourceLost: '-',
    targetLost: '-',
    retryDue: '-',
    stop: '-',
    drained: 'stopped',
    fatal: 'failed',
  },
  stopped: {
    start: '-',
    connected: '-',
    snapshot: '-',
    snapshotDone: '-',
    applied: '-',
    sourceLost: '-',
    targetLost: '-',
    retryDue: '-',
    stop: '-',
    drained: '-',
    fatal: '-',
  },
  failed: {
    start: '-',
    connected: '-',
    snapshot: '-',
    snapshotDone: '-',
    applied: '-',
    sourceLost: '-',
    targetLost: '-',
    retryDue: '-',
    stop: '-',
    drained: '-',
    fatal: '-',
  },
};

const machineIn = (state: RunnerState): RunnerMachine => ({
  state,
  failures: 1,
  since: 0,
  ...(state === 'backoff' ? { retryAt: 500 } : {}),
});

describe('runner state machine', () => {
  for (const state of STATES) {
    for (const event of EVENTS) {
      const expected = TABLE[state][event.type];
      it(`${state} × ${event.type} → ${expected === '-' ? state : expected}`, () => {
        // At t=1000 a back-off that was due at 500 may retry.
        const next = transition(machineIn(state), event, 1_000, policy);
        expect(next.state).toBe(expected === '-' ? state : expected);
      });
    }
  }

  it('waits for the back-off before retrying, doubling it up to the cap, and resets it on success', () => {
    let machine = transition(initialMachine(0), { type: 'start' }, 0, policy);
    machine = transition(machine, { type: 'targetLost', error: 'refused' }, 10, policy);
    expect(machine).toMatchObject({ state: 'backoff', failures: 1, retryAt: 110, lastError: 'refused' });
    expect(transition(machine, { type: 'retryDue' }, 50, policy).state).toBe('backoff');
    machine = transition(machine, { type: 'retryDue' }, 110, policy);
    machine = transition(machine, { type: 'sourceLost', error: 'again' }, 120, policy);
    expect(machine).toMatchObject({ failures: 2, retryAt: 320 });
    expect([1, 2, 3, 4, 5, 10].map((failures) => backoffDelay(failures, policy))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    machine = transition(transition(machine, { type: 'retryDue' }, 320, policy), { type: 'connected' }, 330, policy);
    expect(machine).toMatchObject({ state: 'streaming', failures: 0, since: 330 });
    expect(machine.retryAt).toBeUndefined();
  });
});
