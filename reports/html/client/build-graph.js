// @ts-check
/**
 * Builds the graph sigma draws from the report data and the set of expanded groups: a
 * collapsed group is one node on its disc, an expanded group is its files laid out inside
 * the disc. Import edges are summed per pair of drawn nodes.
 */
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { fitToDisc, groupDiscs, sunflower } from '../layout.js';

/** @typedef {import('../report-data.js').ReportData} ReportData */
/** @typedef {import('../layout.js').Disc} Disc */

export const groupKey = (/** @type {number} */ index) => `g${index}`;
export const fileKey = (/** @type {number} */ index) => `f${index}`;

/**
 * Everything about the data that does not change while the page is open.
 * @param {ReportData} data
 */
export function prepare(data) {
  const center = data.groups.findIndex((group) => group.kind === 'shared' && group.files > 0);
  const discs = groupDiscs(
    data.groups.map((group) => group.files),
    data.ring,
    center,
  );
  /** @type {number[][]} */
  const members = data.groups.map(() => []);
  data.files.forEach((file, index) => members[file[2]]?.push(index));
  for (const list of members) list.sort((a, b) => (data.files[a]?.[0] ?? '').localeCompare(data.files[b]?.[0] ?? ''));
  let maxLoc = 1;
  for (const file of data.files) maxLoc = Math.max(maxLoc, file[1]);
  let maxFiles = 1;
  for (const group of data.groups) maxFiles = Math.max(maxFiles, group.files);
  return {
    data,
    discs,
    members,
    maxLoc,
    maxFiles,
    positions: /** @type {Map<number, { points: Float64Array, refined: boolean }>} */ (new Map()),
  };
}

/** @typedef {ReturnType<typeof prepare>} Prepared */

/**
 * Positions of a group's files: a sunflower seed in path order (files of one folder start
 * together), then, when `refine`, a short ForceAtlas2 run on the imports inside the group;
 * fitted into its disc. Cached: a group keeps its picture when collapsed and expanded again
 * (a seed-only picture is refined the next time the group is expanded on its own).
 * @param {Prepared} model
 * @param {number} group
 * @param {boolean} refine
 */
export function filePositions(model, group, refine) {
  const cached = model.positions.get(group);
  if (cached && (cached.refined || !refine)) return cached.points;
  const list = model.members[group] ?? [];
  const disc = model.discs[group] ?? { x: 0, y: 0, r: 1 };
  const seed = sunflower(list.length);
  if (!refine) {
    const rough = fitToDisc(seed, disc.x, disc.y, disc.r);
    model.positions.set(group, { points: rough, refined: false });
    return rough;
  }
  const local = new Graph({ type: 'undirected', multi: false });
  /** @type {Map<number, number>} */
  const slot = new Map();
  list.forEach((file, i) => {
    slot.set(file, i);
    local.addNode(i, { x: (seed[i * 2] ?? 0) * 10, y: (seed[i * 2 + 1] ?? 0) * 10 });
  });
  const edges = model.data.edges;
  for (let e = 0; e < edges.length; e += 4) {
    const a = slot.get(edges[e] ?? -1);
    const b = slot.get(edges[e + 1] ?? -1);
    if (a === undefined || b === undefined || a === b) continue;
    const weight = Math.log2(1 + (edges[e + 2] ?? 1));
    if (local.hasEdge(a, b)) local.updateEdgeAttribute(a, b, 'weight', (w) => (w ?? 0) + weight);
    else local.addEdge(a, b, { weight });
  }
  if (list.length > 2 && local.size > 0) {
    // Enough iterations to pull a folder together, few enough to expand a big group in a blink.
    const iterations = Math.max(20, Math.min(100, Math.round(12000 / list.length)));
    forceAtlas2.assign(local, {
      iterations,
      getEdgeWeight: 'weight',
      settings: {
        gravity: 1.5,
        strongGravityMode: true,
        scalingRatio: 2,
        slowDown: 1 + Math.log(list.length),
        barnesHutOptimize: list.length > 150,
      },
    });
  }
  const points = new Float64Array(list.length * 2);
  list.forEach((_, i) => {
    points[i * 2] = local.getNodeAttribute(i, 'x');
    points[i * 2 + 1] = local.getNodeAttribute(i, 'y');
  });
  const fitted = fitToDisc(points, disc.x, disc.y, disc.r);
  model.positions.set(group, { points: fitted, refined: true });
  return fitted;
}

/**
 * The colour `hex` at opacity `alpha` over the white page, as an opaque colour: sigma blends
 * with premultiplied alpha, so translucent colours would wash out to white.
 * @param {string} hex @param {number} alpha
 */
export function onWhite(hex, alpha) {
  if (!hex.startsWith('#') || hex.length !== 7) return hex;
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (/** @type {number} */ c) => Math.round(c * alpha + 255 * (1 - alpha));
  return `rgb(${mix((n >> 16) & 255)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})`;
}

const baseName = (/** @type {string} */ path) => path.slice(path.lastIndexOf('/') + 1);

/** Most files laid out with ForceAtlas2 in one go (more would freeze the page for seconds). */
export const LAYOUT_AT_ONCE = 2500;

/** Above this many drawn files, file-to-file lines appear only for the selection. */
export const FILE_EDGES_SHOWN_UP_TO = 3000;

/**
 * @param {Prepared} model
 * @param {ReadonlySet<number>} expanded
 */
export function buildGraph(model, expanded) {
  const { data, discs, members } = model;
  const graph = new Graph({ type: 'undirected', multi: false });
  // Laying out more than this many files at once runs no ForceAtlas2: the seeds alone.
  let toLayOut = 0;
  for (const index of expanded) if (!model.positions.get(index)?.refined) toLayOut += members[index]?.length ?? 0;
  const refine = toLayOut <= LAYOUT_AT_ONCE;
  let drawnFiles = 0;
  for (const index of expanded) drawnFiles += members[index]?.length ?? 0;
  const manyFiles = drawnFiles > FILE_EDGES_SHOWN_UP_TO;
  // Dots get smaller as more files share the picture, so dense clusters stay readable.
  const shrink = Math.max(0.45, Math.min(1, Math.sqrt(1500 / Math.max(drawnFiles, 1))));
  graph.setAttribute('edgesOnSelection', manyFiles);
  /** @type {Int32Array} drawn node of every file: a file node (index) or its group (-1 - group) */
  const drawnAs = new Int32Array(data.files.length);
  data.groups.forEach((group, index) => {
    const list = members[index] ?? [];
    if (list.length === 0) return;
    const disc = discs[index] ?? { x: 0, y: 0, r: 1 };
    if (!expanded.has(index)) {
      for (const file of list) drawnAs[file] = -1 - index;
      graph.addNode(groupKey(index), {
        x: disc.x,
        y: disc.y,
        size: 7 + 20 * Math.sqrt(group.files / model.maxFiles),
        color: group.color,
        label: `${group.name} · ${group.files} files`,
        forceLabel: true,
        nodeKind: 'group',
        index,
      });
      return;
    }
    const positions = filePositions(model, index, refine);
    list.forEach((file, i) => {
      drawnAs[file] = file;
      const entry = data.files[file];
      graph.addNode(fileKey(file), {
        x: positions[i * 2],
        y: positions[i * 2 + 1],
        size: (2.5 + 6 * Math.sqrt((entry?.[1] ?? 0) / model.maxLoc)) * shrink,
        color: group.color,
        label: baseName(entry?.[0] ?? ''),
        nodeKind: 'file',
        index: file,
        group: index,
      });
    });
  });
  /** @type {Map<string, { a: number, b: number, weight: number, imports: number }>} */
  const pairs = new Map();
  const edges = data.edges;
  for (let e = 0; e < edges.length; e += 4) {
    const x = drawnAs[edges[e] ?? 0] ?? 0;
    const y = drawnAs[edges[e + 1] ?? 0] ?? 0;
    if (x === y) continue;
    const a = Math.min(x, y);
    const b = Math.max(x, y);
    const key = `${a},${b}`;
    const pair = pairs.get(key);
    if (pair) {
      pair.weight += edges[e + 2] ?? 1;
      pair.imports += 1;
    } else pairs.set(key, { a, b, weight: edges[e + 2] ?? 1, imports: 1 });
  }
  // Between collapsed groups only the strong links are drawn (each group's three heaviest
  // and any above a tenth of the heaviest; links to the shared kernel and the left-out files
  // are weak): a complete graph of thin lines hides the picture. A selected group shows all.
  let maxGroupWeight = 1;
  /** @type {Map<number, number[]>} */
  const heaviest = new Map();
  for (const pair of pairs.values()) {
    if (pair.a >= 0 || pair.b >= 0) continue;
    maxGroupWeight = Math.max(maxGroupWeight, pair.weight);
    for (const end of [pair.a, pair.b]) heaviest.set(end, [...(heaviest.get(end) ?? []), pair.weight]);
  }
  for (const [end, weights] of heaviest) heaviest.set(end, weights.sort((x, y) => y - x).slice(0, 3));
  const strong = (/** @type {{ a: number, b: number, weight: number }} */ pair) =>
    pair.weight >= maxGroupWeight / 10 || [pair.a, pair.b].some((end) => (heaviest.get(end)?.[2] ?? 0) <= pair.weight);
  const nodeKey = (/** @type {number} */ drawn) => (drawn < 0 ? groupKey(-1 - drawn) : fileKey(drawn));
  const groupOfDrawn = (/** @type {number} */ drawn) => (drawn < 0 ? -1 - drawn : (data.files[drawn]?.[2] ?? -1));
  for (const [key, pair] of pairs) {
    const ga = groupOfDrawn(pair.a);
    const gb = groupOfDrawn(pair.b);
    const bothGroups = pair.a < 0 && pair.b < 0;
    const inside = ga === gb;
    const peripheral = data.groups[ga]?.kind !== 'candidate' || data.groups[gb]?.kind !== 'candidate';
    const color = inside
      ? onWhite(data.groups[ga]?.color ?? '#999999', 0.4)
      : bothGroups
        ? peripheral
          ? '#c9d0d9'
          : '#8c98a8'
        : peripheral
          ? '#e6e9ee'
          : '#c3cad4';
    const size = bothGroups ? 1 + 11 * Math.sqrt(pair.weight / maxGroupWeight) : pair.a < 0 || pair.b < 0 ? 0.8 : 0.6;
    const weak = bothGroups ? peripheral || !strong(pair) : manyFiles;
    graph.addEdgeWithKey(key, nodeKey(pair.a), nodeKey(pair.b), {
      size,
      color,
      weight: pair.weight,
      imports: pair.imports,
      inside,
      weak,
      hidden: weak,
    });
  }
  return graph;
}
