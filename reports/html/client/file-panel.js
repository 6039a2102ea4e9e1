// @ts-check
/* global document */
/**
 * The detail panel of one file, built with DOM calls and textContent: its candidate, its
 * imports (out) and the files importing it (in), heaviest first.
 */

/** @typedef {import('./build-graph.js').Prepared} Prepared */

const LIST_LIMIT = 60;

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {Prepared} model @param {number} group */
function groupButton(model, group) {
  const info = model.data.groups[group];
  const button = el('button', 'cand-link');
  button.setAttribute('type', 'button');
  button.dataset.group = String(group);
  const swatch = el('span', 'swatch');
  swatch.style.background = info?.color ?? '#999';
  button.append(swatch, info?.name ?? '?');
  return button;
}

/** @type {WeakMap<Prepared, { out: number[][], in: number[][] }>} */
const adjacency = new WeakMap();

/** Edge offsets by file, built on the first click. @param {Prepared} model */
function edgesOf(model) {
  const known = adjacency.get(model);
  if (known) return known;
  /** @type {number[][]} */
  const out = model.data.files.map(() => []);
  /** @type {number[][]} */
  const into = model.data.files.map(() => []);
  const edges = model.data.edges;
  for (let e = 0; e < edges.length; e += 4) {
    out[edges[e] ?? 0]?.push(e);
    into[edges[e + 1] ?? 0]?.push(e);
  }
  const built = { out, in: into };
  adjacency.set(model, built);
  return built;
}

/**
 * @param {Prepared} model
 * @param {number[]} offsets
 * @param {0 | 1} side which end of the edge to list (0 from, 1 to)
 * @param {string} title
 */
function edgeList(model, offsets, side, title) {
  const edges = model.data.edges;
  const sorted = [...offsets].sort((a, b) => (edges[b + 2] ?? 0) - (edges[a + 2] ?? 0));
  const wrap = el('div');
  wrap.append(el('h4', '', `${title} (${offsets.length})`));
  if (sorted.length === 0) {
    wrap.append(el('p', 'note', 'none'));
    return wrap;
  }
  const list = el('ul', 'plain edgelist');
  for (const e of sorted.slice(0, LIST_LIMIT)) {
    const other = edges[e + side] ?? 0;
    const file = model.data.files[other];
    const item = el('li');
    const swatch = el('span', 'swatch');
    swatch.style.background = model.data.groups[file?.[2] ?? -1]?.color ?? '#999';
    const link = el('button', 'file-link', file?.[0] ?? '?');
    link.setAttribute('type', 'button');
    link.dataset.file = file?.[0] ?? '';
    const flags = edges[e + 3] ?? 0;
    const meta = el('span', 'dim', ` ${edges[e + 2] ?? 0}${flags & 1 ? ' · type-only' : ''}${flags & 2 ? ' · dynamic' : ''}`);
    item.append(swatch, link, meta);
    list.append(item);
  }
  wrap.append(list);
  if (sorted.length > LIST_LIMIT) wrap.append(el('p', 'note', `… and ${sorted.length - LIST_LIMIT} more`));
  return wrap;
}

/** @param {Prepared} model @param {number} index */
export function filePanel(model, index) {
  const file = model.data.files[index];
  if (!file) return [el('p', 'note', 'Unknown file')];
  const { out, in: into } = edgesOf(model);
  const title = el('h3', 'mono', file[0]);
  const facts = el('p', 'facts');
  facts.append(`${file[1]} LOC · in `, groupButton(model, file[2]));
  return [title, facts, edgeList(model, out[index] ?? [], 1, 'Imports'), edgeList(model, into[index] ?? [], 0, 'Imported by')];
}
