/**
 * A flat partition of a set of objects (modules): object -> cluster label, and the
 * contingency table of two partitions over the objects they share, which every score
 * here is computed from.
 */
export type Partition = ReadonlyMap<string, string>;

export interface Contingency {
  /** Objects present in both partitions. */
  n: number;
  /** Cluster labels of the first partition (rows) and the second (columns), sorted. */
  rows: string[];
  columns: string[];
  /** counts[i][j] = objects in rows[i] and columns[j]. */
  counts: number[][];
  rowSizes: number[];
  columnSizes: number[];
}

/** Both partitions restricted to the objects they have in common. */
export function restrictToCommon(a: Partition, b: Partition): [Map<string, string>, Map<string, string>] {
  const left = new Map<string, string>();
  const right = new Map<string, string>();
  for (const [object, label] of a) {
    const other = b.get(object);
    if (other === undefined) continue;
    left.set(object, label);
    right.set(object, other);
  }
  return [left, right];
}

export function contingency(a: Partition, b: Partition): Contingency {
  const [left, right] = restrictToCommon(a, b);
  const rows = [...new Set(left.values())].sort();
  const columns = [...new Set(right.values())].sort();
  const rowIndex = new Map(rows.map((label, i) => [label, i]));
  const columnIndex = new Map(columns.map((label, j) => [label, j]));
  const counts = rows.map(() => columns.map(() => 0));
  const rowSizes = rows.map(() => 0);
  const columnSizes = columns.map(() => 0);
  for (const [object, label] of left) {
    const i = rowIndex.get(label) ?? 0;
    const j = columnIndex.get(right.get(object) ?? '') ?? 0;
    const row = counts[i];
    if (row) row[j] = (row[j] ?? 0) + 1;
    rowSizes[i] = (rowSizes[i] ?? 0) + 1;
    columnSizes[j] = (columnSizes[j] ?? 0) + 1;
  }
  return { n: left.size, rows, columns, counts, rowSizes, columnSizes };
}

/** The partition with the rows and columns swapped. */
export function transpose(table: Contingency): Contingency {
  return {
    n: table.n,
    rows: table.columns,
    columns: table.rows,
    counts: table.columns.map((_, j) => table.rows.map((__, i) => table.counts[i]?.[j] ?? 0)),
    rowSizes: table.columnSizes,
    columnSizes: table.rowSizes,
  };
}
