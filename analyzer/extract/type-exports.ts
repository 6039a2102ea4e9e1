/**
 * Whether a name a file exports is a type only, following re-exports across files
 * (`export { Money } from './money.js'`, `export * from './types.js'`, an import exported
 * again) once imports can be resolved. Declaration files answer "type": everything in them
 * is declare-only. Unknown names count as values, the safe side for coupling.
 */
import type { ExportKind, ExportSummary } from './file-summary.js';
import type { Resolution } from './resolver.js';

export class TypeExports {
  private readonly memo = new Map<string, ExportKind | undefined>();

  constructor(
    private readonly summaries: ReadonlyMap<string, ExportSummary>,
    private readonly resolve: (from: string, specifier: string) => Resolution,
  ) {}

  isTypeOnly(file: string, name: string): boolean {
    return name !== '*' && this.kind(file, name, new Set()) === 'type';
  }

  /** Whether `file` exports `name`: declared there, or passed on from elsewhere. */
  exports(file: string, name: string): boolean {
    return this.kind(file, name, new Set()) !== undefined;
  }

  /** The kind of `name` as `file` exports it, or undefined when `file` does not export it. */
  private kind(file: string, name: string, visiting: Set<string>): ExportKind | undefined {
    const key = `${file}\u0000${name}`;
    if (this.memo.has(key)) return this.memo.get(key);
    if (visiting.has(key)) return undefined;
    visiting.add(key);
    const found = this.compute(file, name, visiting);
    visiting.delete(key);
    this.memo.set(key, found);
    return found;
  }

  private through(file: string, specifier: string, name: string, visiting: Set<string>): ExportKind | undefined {
    const target = this.resolve(file, specifier);
    if (target.kind === 'file') return this.kind(target.path, name, visiting);
    return target.kind === 'external-types' ? 'type' : undefined;
  }

  private compute(file: string, name: string, visiting: Set<string>): ExportKind | undefined {
    const summary = this.summaries.get(file);
    if (summary === undefined) return undefined;
    const local = summary.local.get(name);
    if (local !== undefined) return local;
    const forwarded = summary.forwarded.get(name);
    if (forwarded !== undefined) {
      if (forwarded.typeOnly) return 'type';
      if (forwarded.name === '*') return 'value';
      return this.through(file, forwarded.specifier, forwarded.name, visiting) ?? 'value';
    }
    if (name === 'default') return undefined;
    for (const star of summary.star) {
      const kind = this.through(file, star.specifier, name, visiting);
      if (kind !== undefined) return star.typeOnly ? 'type' : kind;
    }
    return undefined;
  }
}
