/** Counts reads and writes per (module, table, via). */
import type { TableAccess, TableAccessVia } from '../../model.js';

export class AccessTally {
  private readonly entries = new Map<string, TableAccess>();

  add(module: string, table: string, via: TableAccessVia, write: boolean, count = 1): void {
    const key = `${module}\u0000${table}\u0000${via}`;
    const entry = this.entries.get(key) ?? { table, module, reads: 0, writes: 0, via };
    if (write) entry.writes += count;
    else entry.reads += count;
    this.entries.set(key, entry);
  }

  list(): TableAccess[] {
    return [...this.entries.values()].sort((a, b) => compare(a.module, b.module) || compare(a.table, b.table) || compare(a.via, b.via));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
