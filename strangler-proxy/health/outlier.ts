/**
 * Passive outlier ejection: an instance that answers 5xx `consecutive5xx` times in a row
 * is taken out of the balancer for `baseEjection` × 2^(ejections so far), unless that
 * would eject more than `maxEjectionPercent` of the service. Pure; time is an argument.
 */
import type { OutlierConfig } from '../config/schema.js';

export interface OutlierState {
  readonly consecutive5xx: number;
  readonly ejections: number;
  readonly ejectedUntil: number;
}

export const FRESH_OUTLIER: OutlierState = Object.freeze({ consecutive5xx: 0, ejections: 0, ejectedUntil: 0 });

export const isEjected = (state: OutlierState, now: number): boolean => now < state.ejectedUntil;

/**
 * Records one answer. `mayEject` says whether the service can spare one more ejected
 * instance (the caller knows how many are out).
 */
export function outlierNext(state: OutlierState, status: number, now: number, config: OutlierConfig, mayEject: boolean): OutlierState {
  if (status < 500) {
    if (state.consecutive5xx === 0 && (state.ejections === 0 || now < state.ejectedUntil + config.baseEjection)) return state;
    // A clean answer well after the last ejection forgives the past ones.
    const forgiven = now >= state.ejectedUntil + config.baseEjection;
    return { consecutive5xx: 0, ejections: forgiven ? 0 : state.ejections, ejectedUntil: state.ejectedUntil };
  }
  const consecutive5xx = state.consecutive5xx + 1;
  if (consecutive5xx < config.consecutive5xx || isEjected(state, now) || !mayEject) {
    return { ...state, consecutive5xx };
  }
  const ejectedUntil = now + config.baseEjection * 2 ** Math.min(state.ejections, 10);
  return { consecutive5xx: 0, ejections: state.ejections + 1, ejectedUntil };
}

/** Can one more of `total` instances be ejected when `ejected` already are? */
export function mayEjectOneMore(ejected: number, total: number, maxEjectionPercent: number): boolean {
  return total > 0 && ((ejected + 1) / total) * 100 <= maxEjectionPercent;
}
