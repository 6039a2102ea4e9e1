/**
 * Where a name imported from a barrel comes from: the file that declares it, found by
 * following the barrel's re-exports (`export { a } from './a'`, an import exported again,
 * `export * from './b'`) through further barrels. For coupling, `import { presentUser } from
 * './presenters'` ties the importer to `presenters/user.ts`, not to the index that lists every
 * presenter (which would pull all of them into one candidate).
 */
import type { ExportSummary } from './file-summary.js';
import type { Resolution } from './resolver.js';
import type { TypeExports } from './type-exports.js';

export class BarrelOrigins {
  private readonly memo = new Map<string, string | undefined>();

  constructor(
    private readonly summaries: ReadonlyMap<string, ExportSummary>,
    private readonly resolve: (from: string, specifier: string) => Resolution,
    /** Which names a file exports, through re-exports (the TypeExports of the same files). */
    private readonly exported: Pick<TypeExports, 'exports'>,
  ) {}

  isBarrel(file: string): boolean {
    return this.summaries.get(file)?.barrel === true;
  }

  /** The file `name` of `file` comes from: `file` itself unless it is a barrel; undefined when the barrel does not pass it on. */
  origin(file: string, name: string): string | undefined {
    return this.find(file, name, new Set());
  }

  private find(file: string, name: string, visiting: Set<string>): string | undefined {
    const summary = this.summaries.get(file);
    if (summary?.barrel !== true) return file;
    const key = `${file}\u0000${name}`;
    if (this.memo.has(key)) return this.memo.get(key);
    if (visiting.has(key)) return undefined;
    visiting.add(key);
    let found: string | undefined;
    const forwarded = summary.forwarded.get(name);
    if (forwarded !== undefined) {
      const target = this.target(file, forwarded.specifier);
      // `export * as ns from './x'` (or an imported namespace passed on): the whole of x.
      found = target === undefined ? undefined : forwarded.name === '*' ? target : this.find(target, forwarded.name, visiting);
    } else if (name !== 'default') {
      for (const star of summary.star) {
        const target = this.target(file, star.specifier);
        if (target === undefined || !this.exported.exports(target, name)) continue;
        found = this.find(target, name, visiting);
        break;
      }
    }
    visiting.delete(key);
    this.memo.set(key, found);
    return found;
  }

  private target(file: string, specifier: string): string | undefined {
    const resolution = this.resolve(file, specifier);
    return resolution.kind === 'file' && resolution.path !== file ? resolution.path : undefined;
  }
}
