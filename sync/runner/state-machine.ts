/**
 * The sync runner's lifecycle as an explicit state machine (STYLE habit 8). Pure: time comes in
 * as an argument, so tests never sleep. The runner does the I/O and feeds events in.
 *
 *   idle --start--> connecting --connected--> streaming <--applied-- (streaming)
 *                     |  \--snapshot--> snapshotting --snapshotDone--> streaming
 *        sourceLost / targetLost from connecting, snapshotting, streaming --> backoff
 *   backoff --retryDue (once now >= retryAt)--> connecting
 *   stop: idle/backoff --> stopped (nothing in flight); connecting/snapshotting/streaming --> stopping
 *   stopping --drained--> stopped;   fatal from any live state --> failed
 */
export type RunnerState = 'idle' | 'connecting' | 'snapshotting' | 'streaming' | 'backoff' | 'stopping' | 'stopped' | 'failed';

export type RunnerEvent =
  | { type: 'start' }
  | { type: 'connected' }
  | { type: 'snapshot' }
  | { type: 'snapshotDone' }
  | { type: 'applied' }
  | { type: 'sourceLost'; error: string }
  | { type: 'targetLost'; error: string }
  | { type: 'retryDue' }
  | { type: 'stop' }
  | { type: 'drained' }
  | { type: 'fatal'; error: string };

export interface RunnerMachine {
  readonly state: RunnerState;
  /** Consecutive failures since the last success (drives the back-off). */
  readonly failures: number;
  /** When state is backoff: the time (ms) the next attempt is due. */
  readonly retryAt?: number;
  readonly lastError?: string;
  /** When the state was entered (ms). */
  readonly since: number;
}

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
}

export const initialMachine = (now: number): RunnerMachine => ({ state: 'idle', failures: 0, since: now });

/** Exponential back-off: initial, 2×, 4×, … capped at max. */
export function backoffDelay(failures: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}

const LIVE: readonly RunnerState[] = ['connecting', 'snapshotting', 'streaming'];

export function transition(machine: RunnerMachine, event: RunnerEvent, now: number, policy: RetryPolicy): RunnerMachine {
  const to = (state: RunnerState, extra: Partial<RunnerMachine> = {}): RunnerMachine => {
    const { retryAt: _retryAt, ...rest } = machine;
    return { ...rest, ...extra, state, since: state === machine.state ? machine.since : now };
  };
  const { state } = machine;
  if (state === 'stopped' || state === 'failed') return machine;
  if (event.type === 'fatal') return to('failed', { lastError: event.error });
  switch (event.type) {
    case 'start':
      return state === 'idle' ? to('connecting') : machine;
    case 'connected':
      return state === 'connecting' ? to('streaming', { failures: 0 }) : machine;
    case 'snapshot':
      return state === 'connecting' ? to('snapshotting') : machine;
    case 'snapshotDone':
      return state === 'snapshotting' ? to('streaming', { failures: 0 }) : machine;
    case 'applied':
      if (state === 'connecting' || state === 'streaming') return to('streaming', { failures: 0 });
      if (state === 'snapshotting') return to('snapshotting', { failures: 0 });
      return machine;
    case 'sourceLost':
    case 'targetLost': {
      if (!LIVE.includes(state) && state !== 'backoff') return machine;
      const failures = machine.failures + 1;
      return to('backoff', { failures, retryAt: now + backoffDelay(failures, policy), lastError: event.error });
    }
    case 'retryDue':
      return state === 'backoff' && now >= (machine.retryAt ?? 0) ? to('connecting') : machine;
    case 'stop':
      if (state === 'idle' || state === 'backoff') return to('stopped');
      return LIVE.includes(state) ? to('stopping') : machine;
    case 'drained':
      return state === 'stopping' ? to('stopped') : machine;
  }
}
