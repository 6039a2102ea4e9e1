/**
 * The active health check's verdict for one instance: it flips to unhealthy after
 * `unhealthyThreshold` failed probes in a row and back after `healthyThreshold` passes.
 * Instances start healthy so a fresh proxy serves at once.
 */
import type { HealthCheckConfig } from '../config/schema.js';

export interface HealthState {
  readonly healthy: boolean;
  /** Probes in a row that disagree with `healthy`. */
  readonly streak: number;
}

export const STARTING_HEALTH: HealthState = Object.freeze({ healthy: true, streak: 0 });

export function healthNext(
  state: HealthState,
  passed: boolean,
  config: Pick<HealthCheckConfig, 'healthyThreshold' | 'unhealthyThreshold'>,
): HealthState {
  if (passed === state.healthy) return state.streak === 0 ? state : { healthy: state.healthy, streak: 0 };
  const streak = state.streak + 1;
  const threshold = state.healthy ? config.unhealthyThreshold : config.healthyThreshold;
  return streak >= threshold ? { healthy: passed, streak: 0 } : { healthy: state.healthy, streak };
}
