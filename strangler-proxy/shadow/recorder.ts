/**
 * Shadow results: totals per route (kept across reloads, dropped with the route) and a ring
 * of the latest mismatch samples, told to the observer as they happen.
 */
import type { ProxyObserver, ShadowEvent, ShadowReport, ShadowRouteReport, ShadowSample, ShadowTotals } from '../control.js';

export const SAMPLE_LIMIT = 50;

export const newShadowTotals = (): ShadowTotals => ({
  shadowed: 0,
  matched: 0,
  mismatched: 0,
  mismatchedBy: { status: 0, headers: 0, body: 0 },
  tooLarge: 0,
  errors: 0,
  timeouts: 0,
  skipped: 0,
  skippedBy: { method: 0, body: 0, busy: 0, primary: 0 },
});

export type SkipKind = keyof ShadowTotals['skippedBy'];

export class ShadowRecorder {
  private readonly totals = new Map<string, ShadowTotals>();
  private readonly samples: ShadowSample[] = [];
  /** Shadow settings of the routes in effect: route id → target and percent. */
  private configured = new Map<string, { service: string; percent: number }>();

  constructor(
    private readonly observer: ProxyObserver | undefined,
    private readonly sampleLimit = SAMPLE_LIMIT,
  ) {}

  /** The totals object of a route (created on first use). */
  routeTotals(route: string): ShadowTotals {
    let totals = this.totals.get(route);
    if (!totals) {
      totals = newShadowTotals();
      this.totals.set(route, totals);
    }
    return totals;
  }

  /** A new config: remember what is shadowed and drop totals of routes that are gone. */
  configure(routes: ReadonlyArray<{ id: string; shadow?: { service: string; percent: number } | undefined }>): void {
    this.configured = new Map();
    for (const route of routes)
      if (route.shadow) this.configured.set(route.id, { service: route.shadow.service, percent: route.shadow.percent });
    for (const id of [...this.totals.keys()]) if (!routes.some((route) => route.id === id)) this.totals.delete(id);
  }

  /** A copy was sent. */
  sent(route: string): void {
    this.routeTotals(route).shadowed++;
  }

  /** Counted, but not told to the observer (e.g. a method that is not copied: one per request). */
  countSkip(route: string, kind: SkipKind): void {
    const totals = this.routeTotals(route);
    totals.skipped++;
    totals.skippedBy[kind]++;
  }

  skipped(event: ShadowEvent, kind: SkipKind): void {
    this.countSkip(event.route, kind);
    this.tell(event);
  }

  /** The observer hears of it; a throwing observer must not break the counting (nor the client's path). */
  private tell(event: ShadowEvent): void {
    try {
      this.observer?.onShadow?.(event);
    } catch {
      // The observer's problem; the totals are already counted.
    }
  }

  /** A finished comparison or a failed copy; `sample` for mismatches. */
  record(event: ShadowEvent, sample: ShadowSample | undefined, timedOut = false): void {
    const totals = this.routeTotals(event.route);
    if (event.outcome === 'matched') totals.matched++;
    else if (event.outcome === 'too-large') totals.tooLarge++;
    else if (event.outcome === 'error') {
      totals.errors++;
      if (timedOut) totals.timeouts++;
    } else if (event.outcome === 'mismatched') {
      totals.mismatched++;
      for (const reason of event.reasons) totals.mismatchedBy[reason]++;
    }
    if (sample) {
      this.samples.push(sample);
      if (this.samples.length > this.sampleLimit) this.samples.splice(0, this.samples.length - this.sampleLimit);
    }
    this.tell(event);
  }

  report(): ShadowReport {
    const ids = new Set([...this.configured.keys(), ...this.totals.keys()]);
    const routes: ShadowRouteReport[] = [...ids].map((route) => {
      const totals = this.totals.get(route) ?? newShadowTotals();
      const settings = this.configured.get(route);
      return {
        route,
        service: settings?.service,
        percent: settings?.percent,
        totals: { ...totals, mismatchedBy: { ...totals.mismatchedBy }, skippedBy: { ...totals.skippedBy } },
      };
    });
    return { routes, samples: this.samples.map((sample) => ({ ...sample })) };
  }
}
