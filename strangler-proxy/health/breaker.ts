/**
 * A circuit breaker per instance, as an explicit state machine (STYLE.md habit 8): the
 * state is a value, `next(state, event, now)` is pure, and time is an argument.
 *
 *   closed ──failure × failureThreshold──▶ open ──tick after openFor──▶ half-open
 *   half-open ──request──▶ half-open (probing: no other request may pass)
 *   half-open ──success × successThreshold──▶ closed;  half-open ──failure──▶ open
 *
 * A failure is a connect error or a timeout (the instance is unreachable); a 5xx answer
 * is the outlier detector's business (outlier.ts).
 */
import type { BreakerConfig } from '../config/schema.js';

export type BreakerState =
  | { readonly name: 'closed'; readonly failures: number }
  | { readonly name: 'open'; readonly until: number }
  | { readonly name: 'half-open'; readonly probing: boolean; readonly successes: number };

export type BreakerEvent = 'request' | 'success' | 'failure' | 'tick';

export const CLOSED: BreakerState = Object.freeze({ name: 'closed', failures: 0 });

export function breakerNext(state: BreakerState, event: BreakerEvent, now: number, config: BreakerConfig): BreakerState {
  switch (state.name) {
    case 'closed':
      if (event === 'success') return state.failures === 0 ? state : CLOSED;
      if (event === 'failure') {
        const failures = state.failures + 1;
        return failures >= config.failureThreshold ? { name: 'open', until: now + config.openFor } : { name: 'closed', failures };
      }
      return state;
    case 'open':
      // Late answers to requests sent before it opened change nothing.
      if (event === 'tick' && now >= state.until) return { name: 'half-open', probing: false, successes: 0 };
      return state;
    case 'half-open':
      if (event === 'request') return state.probing ? state : { ...state, probing: true };
      if (event === 'failure') return { name: 'open', until: now + config.openFor };
      if (event === 'success') {
        const successes = state.successes + 1;
        return successes >= config.successThreshold ? CLOSED : { name: 'half-open', probing: false, successes };
      }
      return state;
  }
}

/** May a request be sent now? Call with the state after a `tick`. */
export function breakerAllows(state: BreakerState): boolean {
  return state.name === 'closed' || (state.name === 'half-open' && !state.probing);
}
