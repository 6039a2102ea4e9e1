/**
 * Where the groups sit in the graph: every group gets a disc whose area grows with its file
 * count, the discs stand side by side on a ring (in ReportData.ring order) and the shared
 * kernel fills the middle. The positions are fixed whether a group is shown as one node or
 * as its files, so expanding a candidate never moves the others. Pure and deterministic;
 * the browser script imports it.
 */

export interface Disc {
  x: number;
  y: number;
  r: number;
}

const GAP = 2.5;

/** Radius of the disc for a group of `files` files. */
export function discRadius(files: number): number {
  return Math.max(1.5, Math.sqrt(Math.max(files, 1)) * 1.25);
}

/**
 * Discs for every group: `sizes[i]` files in group i, `ring` the order around the ring,
 * `center` the group in the middle (or -1). Groups in neither get a disc at the origin.
 */
export function groupDiscs(sizes: readonly number[], ring: readonly number[], center: number): Disc[] {
  const discs: Disc[] = sizes.map((files) => ({ x: 0, y: 0, r: discRadius(files) }));
  const inner = center >= 0 ? (discs[center]?.r ?? 0) : 0;
  if (ring.length === 0) return discs;
  if (ring.length === 1 && center < 0) return discs;
  const spans = ring.map((group) => 2 * (discs[group]?.r ?? 1) + GAP);
  const circumference = spans.reduce((sum, span) => sum + span, 0);
  const largest = Math.max(...ring.map((group) => discs[group]?.r ?? 1));
  // The ring must be long enough for the discs and wide enough to clear the middle.
  const radius = Math.max(circumference / (2 * Math.PI), inner + largest + GAP * 2, ring.length === 2 ? largest + GAP : 0);
  let angle = -Math.PI / 2;
  ring.forEach((group, position) => {
    const share = ((spans[position] ?? 0) / circumference) * 2 * Math.PI;
    const disc = discs[group];
    if (disc) {
      disc.x = radius * Math.cos(angle + share / 2);
      disc.y = radius * Math.sin(angle + share / 2);
    }
    angle += share;
  });
  return discs;
}

/**
 * Seed positions for `count` items inside a unit disc on a sunflower (Vogel) spiral: item i
 * at radius sqrt((i + 0.5) / count), so neighbours in the list stay close and the disc is
 * evenly filled. Returns x0, y0, x1, y1, …
 */
export function sunflower(count: number): Float64Array {
  const out = new Float64Array(count * 2);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const r = Math.sqrt((i + 0.5) / count);
    out[i * 2] = r * Math.cos(i * golden);
    out[i * 2 + 1] = r * Math.sin(i * golden);
  }
  return out;
}

/**
 * Fits points (x0, y0, …) into a disc of radius `r` around (cx, cy): centres them on their
 * mean and scales so the 95th-percentile distance lands on the rim; outliers are pulled in
 * to the rim.
 */
export function fitToDisc(points: Float64Array, cx: number, cy: number, r: number): Float64Array {
  const count = points.length / 2;
  const out = new Float64Array(points.length);
  if (count === 0) return out;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < count; i++) {
    mx += points[i * 2] ?? 0;
    my += points[i * 2 + 1] ?? 0;
  }
  mx /= count;
  my /= count;
  const distances: number[] = [];
  for (let i = 0; i < count; i++) distances.push(Math.hypot((points[i * 2] ?? 0) - mx, (points[i * 2 + 1] ?? 0) - my));
  const sorted = [...distances].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
  const scale = p95 > 0 ? (r * 0.92) / p95 : 0;
  for (let i = 0; i < count; i++) {
    let dx = ((points[i * 2] ?? 0) - mx) * scale;
    let dy = ((points[i * 2 + 1] ?? 0) - my) * scale;
    const d = Math.hypot(dx, dy);
    if (d > r) {
      dx = (dx / d) * r;
      dy = (dy / d) * r;
    }
    out[i * 2] = cx + dx;
    out[i * 2 + 1] = cy + dy;
  }
  return out;
}
