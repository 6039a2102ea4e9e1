/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format 0.0.4 (exposition.ts). Built for a proxy's hot path: callers bind
 * a label set once (`family.labels('route-a', 'service')`) and keep the child; updating a
 * child is a number add, with no string building or map lookup per request. The label
 * block of every child is formatted once, when it is bound.
 */
import { StranglerError } from '../../common/errors.js';
import { EXPOSITION_CONTENT_TYPE, escapeHelp, formatLabelPairs, formatValue, isLabelName, isMetricName, labelBlock } from './exposition.js';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface FamilyOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramOptions<L extends string> extends FamilyOptions<L> {
  /** Upper bounds, strictly increasing; `+Inf` is added. Default: DEFAULT_SECONDS_BUCKETS. */
  buckets?: readonly number[];
}

/** Latency buckets in seconds, from 0.25 ms (a loopback hop) to 10 s. */
export const DEFAULT_SECONDS_BUCKETS: readonly number[] = [
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class CounterChild {
  value = 0;
  constructor(readonly labels: string) {}
  /** Adds `amount` (default 1); counters only go up. */
  inc(amount = 1): void {
    if (amount < 0) throw new StranglerError('PROXY_METRIC_NEGATIVE', `A counter cannot go down (inc(${amount})); use a gauge instead.`);
    this.value += amount;
  }
}

export class GaugeChild {
  value = 0;
  constructor(readonly labels: string) {}
  set(value: number): void {
    this.value = value;
  }
  inc(amount = 1): void {
    this.value += amount;
  }
  dec(amount = 1): void {
    this.value -= amount;
  }
}

export class HistogramChild {
  /** Per-bucket counts, not cumulative; the last slot is the +Inf bucket. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: string,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

type Child = CounterChild | GaugeChild | HistogramChild;

/**
 * The counters and histograms of another process (a cluster worker), as plain data that
 * crosses the IPC channel; `labels` is the formatted label block of each child.
 */
export type FamilySnapshot =
  | { name: string; type: 'counter'; children: Array<{ labels: string; value: number }> }
  | { name: string; type: 'histogram'; children: Array<{ labels: string; counts: number[]; sum: number; count: number }> };

export type RegistrySnapshot = FamilySnapshot[];

abstract class Family<L extends string, C extends Child> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  protected readonly childMap = new Map<string, C>();

  constructor(
    readonly type: MetricType,
    options: FamilyOptions<L>,
    reserved: readonly string[] = [],
  ) {
    if (!isMetricName(options.name)) {
      throw new StranglerError('PROXY_METRIC_NAME', `"${options.name}" is not a valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).`);
    }
    const labelNames = options.labelNames ?? [];
    for (const label of labelNames) {
      if (!isLabelName(label) || reserved.includes(label)) {
        throw new StranglerError(
          'PROXY_METRIC_LABEL',
          `"${label}" cannot be a label of ${options.name}: use [a-zA-Z_][a-zA-Z0-9_]*, not "__…"${reserved.length ? ` nor ${reserved.join(', ')}` : ''}.`,
        );
      }
    }
    if (new Set(labelNames).size !== labelNames.length) {
      throw new StranglerError('PROXY_METRIC_LABEL', `${options.name} names a label twice: ${labelNames.join(', ')}.`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = labelNames;
  }

  protected abstract create(labels: string): C;

  /** The child for these label values (in `labelNames` order), created on first use. Bind once, keep it. */
  labels(...values: string[]): C {
    if (values.length !== this.labelNames.length) {
      throw new StranglerError(
        'PROXY_METRIC_LABEL',
        `${this.name} takes ${this.labelNames.length} label value(s) (${this.labelNames.join(', ')}), got ${values.length}.`,
      );
    }
    const key = values.join('\u0000');
    let child = this.childMap.get(key);
    if (!child) {
      child = this.create(formatLabelPairs(this.labelNames, values));
      this.childMap.set(key, child);
    }
    return child;
  }

  /** Forgets a child (e.g. a route that was removed by a reload). */
  remove(...values: string[]): boolean {
    return this.childMap.delete(values.join('\u0000'));
  }

  /** Forgets every child. */
  clear(): void {
    this.childMap.clear();
  }

  get size(): number {
    return this.childMap.size;
  }

  /** Every child bound so far. */
  children(): IterableIterator<C> {
    return this.childMap.values();
  }

  /** Renders this family; `remote` holds the same family from other processes, summed in. */
  render(out: string[], remote: readonly FamilySnapshot[] = []): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    if (remote.length === 0) for (const child of this.childMap.values()) this.renderChild(child, out);
    else this.renderMerged(remote, out);
  }

  protected renderMerged(_remote: readonly FamilySnapshot[], out: string[]): void {
    for (const child of this.childMap.values()) this.renderChild(child, out);
  }

  protected abstract renderChild(child: C, out: string[]): void;
}

export class Counter<L extends string = string> extends Family<L, CounterChild> {
  constructor(options: FamilyOptions<L>) {
    super('counter', options);
  }
  protected create(labels: string): CounterChild {
    return new CounterChild(labels);
  }
  protected renderChild(child: CounterChild, out: string[]): void {
    out.push(`${this.name}${labelBlock(child.labels)} ${formatValue(child.value)}`);
  }
  protected override renderMerged(remote: readonly FamilySnapshot[], out: string[]): void {
    const sums = new Map<string, number>();
    for (const child of this.childMap.values()) sums.set(child.labels, child.value);
    for (const family of remote) {
      if (family.type !== 'counter') continue;
      for (const child of family.children) sums.set(child.labels, (sums.get(child.labels) ?? 0) + child.value);
    }
    for (const [labels, value] of sums) out.push(`${this.name}${labelBlock(labels)} ${formatValue(value)}`);
  }
  snapshot(): FamilySnapshot {
    return { name: this.name, type: 'counter', children: [...this.childMap.values()].map(({ labels, value }) => ({ labels, value })) };
  }
}

export class Gauge<L extends string = string> extends Family<L, GaugeChild> {
  constructor(options: FamilyOptions<L>) {
    super('gauge', options);
  }
  protected create(labels: string): GaugeChild {
    return new GaugeChild(labels);
  }
  protected renderChild(child: GaugeChild, out: string[]): void {
    out.push(`${this.name}${labelBlock(child.labels)} ${formatValue(child.value)}`);
  }
}

export class Histogram<L extends string = string> extends Family<L, HistogramChild> {
  private readonly bounds: Float64Array;
  private readonly le: readonly string[];

  constructor(options: HistogramOptions<L>) {
    super('histogram', options, ['le']);
    const buckets = (options.buckets ?? DEFAULT_SECONDS_BUCKETS).filter((bound) => bound !== Infinity);
    buckets.forEach((bound, i) => {
      if (!Number.isFinite(bound) || (i > 0 && bound <= (buckets[i - 1] as number))) {
        throw new StranglerError(
          'PROXY_METRIC_BUCKETS',
          `Buckets of ${options.name} must be finite and strictly increasing: ${buckets.join(', ')}.`,
        );
      }
    });
    this.bounds = Float64Array.from(buckets);
    this.le = [...buckets.map((bound) => `le="${formatValue(bound)}"`), 'le="+Inf"'];
  }
  protected create(labels: string): HistogramChild {
    return new HistogramChild(labels, this.bounds);
  }
  protected renderChild(child: HistogramChild, out: string[]): void {
    this.renderSeries(child.labels, child.counts, child.sum, child.count, out);
  }
  private renderSeries(labels: string, counts: ArrayLike<number>, sum: number, count: number, out: string[]): void {
    // Buckets are cumulative in the exposition: each counts every sample <= its bound.
    let cumulative = 0;
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i] as number;
      out.push(`${this.name}_bucket${labelBlock(labels, this.le[i])} ${formatValue(cumulative)}`);
    }
    out.push(`${this.name}_sum${labelBlock(labels)} ${formatValue(sum)}`);
    out.push(`${this.name}_count${labelBlock(labels)} ${formatValue(count)}`);
  }
  protected override renderMerged(remote: readonly FamilySnapshot[], out: string[]): void {
    const merged = new Map<string, { counts: Float64Array; sum: number; count: number }>();
    for (const child of this.childMap.values()) {
      merged.set(child.labels, { counts: Float64Array.from(child.counts), sum: child.sum, count: child.count });
    }
    const slots = this.le.length;
    for (const family of remote) {
      if (family.type !== 'histogram') continue;
      for (const child of family.children) {
        // Another bucket layout cannot be added bucket by bucket; every worker runs the same code, so this is a guard only.
        if (child.counts.length !== slots) continue;
        let into = merged.get(child.labels);
        if (!into) merged.set(child.labels, (into = { counts: new Float64Array(slots), sum: 0, count: 0 }));
        for (let i = 0; i < slots; i++) into.counts[i] = (into.counts[i] as number) + (child.counts[i] as number);
        into.sum += child.sum;
        into.count += child.count;
      }
    }
    for (const [labels, series] of merged) this.renderSeries(labels, series.counts, series.sum, series.count, out);
  }
  snapshot(): FamilySnapshot {
    return {
      name: this.name,
      type: 'histogram',
      children: [...this.childMap.values()].map((child) => ({
        labels: child.labels,
        counts: Array.from(child.counts),
        sum: child.sum,
        count: child.count,
      })),
    };
  }
}

type AnyFamily = Counter | Gauge | Histogram;

export class Registry {
  readonly contentType = EXPOSITION_CONTENT_TYPE;
  private readonly families = new Map<string, AnyFamily>();
  private readonly collectors: Array<() => void> = [];
  /** The latest snapshot of each other process, by a name of the caller's choosing (e.g. the worker index). */
  private readonly remote = new Map<string, ReadonlyMap<string, FamilySnapshot>>();

  counter<L extends string>(options: FamilyOptions<L>): Counter<L> {
    return this.add(new Counter<L>(options));
  }

  gauge<L extends string>(options: FamilyOptions<L>): Gauge<L> {
    return this.add(new Gauge<L>(options));
  }

  histogram<L extends string>(options: HistogramOptions<L>): Histogram<L> {
    return this.add(new Histogram<L>(options));
  }

  /** Runs before every exposition: the place to set gauges that are read, not pushed (RSS, health). */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** The whole registry in the text format; ends with a line feed. */
  expose(): string {
    for (const collect of this.collectors) collect();
    const out: string[] = [];
    for (const family of this.families.values()) {
      const remote: FamilySnapshot[] = [];
      for (const source of this.remote.values()) {
        const same = source.get(family.name);
        if (same !== undefined) remote.push(same);
      }
      family.render(out, remote);
    }
    return out.length === 0 ? '' : out.join('\n') + '\n';
  }

  /** The named counters and histograms as plain data, for another process to sum in (`merge`). */
  snapshot(names: ReadonlySet<string>): RegistrySnapshot {
    const out: RegistrySnapshot = [];
    for (const family of this.families.values()) {
      if (names.has(family.name) && !(family instanceof Gauge)) out.push(family.snapshot());
    }
    return out;
  }

  /**
   * Keeps `snapshot` as the figures of process `source`, replacing its previous one; every
   * exposition adds them to this registry's own. Families this registry does not have are ignored.
   */
  merge(source: string, snapshot: RegistrySnapshot): void {
    const byName = new Map<string, FamilySnapshot>();
    for (const family of snapshot) {
      const own = this.families.get(family.name);
      if (own !== undefined && own.type === family.type) byName.set(family.name, family);
    }
    this.remote.set(source, byName);
  }

  /** The processes whose figures are summed in, besides this one. */
  get mergedSources(): number {
    return this.remote.size;
  }

  private add<F extends AnyFamily>(family: F): F {
    if (this.families.has(family.name)) {
      throw new StranglerError(
        'PROXY_METRIC_DUPLICATE',
        `A metric named ${family.name} is already registered; give each metric its own name.`,
      );
    }
    this.families.set(family.name, family);
    return family;
  }
}
