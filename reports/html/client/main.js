// @ts-check
/* global document, window, performance, requestAnimationFrame */
/**
 * The report's browser script: draws the graph with sigma, and wires the legend, the
 * search, the view switch and the detail panels. It reads the data from the
 * <script id="report-data" type="application/json"> element and writes data only through
 * textContent, never as HTML.
 */
import Sigma from 'sigma';
import { buildGraph, fileKey, groupKey, prepare } from './build-graph.js';
import { filePanel } from './file-panel.js';
import { setupSearch } from './search.js';

/** @typedef {import('../report-data.js').ReportData} ReportData */

const $ = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

function start() {
  const started = performance.now();
  /** @type {ReportData} */
  const data = JSON.parse($('#report-data').textContent ?? '{}');
  const model = prepare(data);
  /** @type {Set<number>} */
  const expanded = new Set();
  if (!data.candidateLevel) data.groups.forEach((_, index) => expanded.add(index));

  /** @type {{ kind: 'none' } | { kind: 'group', index: number } | { kind: 'file', index: number }} */
  let selected = { kind: 'none' };
  /** @type {Set<string>} the selected nodes: a group node, a group's files, or one file */
  let focus = new Set();
  /** @type {Set<string>} the selected nodes and their neighbours */
  let lit = new Set();

  const container = $('#graph');
  /** @type {Sigma} */
  const sigma = new Sigma(buildGraph(model, expanded), container, {
    defaultEdgeType: 'line',
    labelFont: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    labelSize: 12,
    labelWeight: '500',
    labelColor: { color: '#1f2933' },
    labelDensity: 0.3,
    labelRenderedSizeThreshold: 7,
    zIndex: true,
    // Dots keep their size on screen while zooming: zooming in spreads a dense cluster out.
    zoomToSizeRatioFunction: () => 1,
    minCameraRatio: 0.02,
    maxCameraRatio: 4,
    stagePadding: 50,
    nodeReducer: (node, attrs) => {
      if (selected.kind === 'none') return attrs;
      if (focus.has(node) && selected.kind !== 'group') return { ...attrs, zIndex: 3, highlighted: true, forceLabel: true };
      if (lit.has(node)) return { ...attrs, zIndex: 2, forceLabel: selected.kind === 'file' || attrs.forceLabel };
      return { ...attrs, color: '#dde2e8', label: attrs.nodeKind === 'group' ? attrs.label : '', zIndex: 0, forceLabel: false };
    },
    /** @returns {Partial<import('sigma/types').EdgeDisplayData>} */
    edgeReducer: (edge, attrs) => {
      if (selected.kind === 'none') return attrs;
      const graph = sigma.getGraph();
      const touches = focus.has(graph.source(edge)) || focus.has(graph.target(edge));
      if (!touches) return { ...attrs, hidden: true };
      /** @type {boolean} */
      const graphLevel =
        graph.getNodeAttribute(graph.source(edge), 'nodeKind') === 'group' &&
        graph.getNodeAttribute(graph.target(edge), 'nodeKind') === 'group';
      return {
        ...attrs,
        hidden: false,
        color: attrs.inside ? attrs.color : graphLevel || selected.kind === 'file' ? '#5d6b7e' : '#d3d9e0',
        zIndex: 1,
      };
    },
  });

  const labels = $('#cluster-labels');
  function placeClusterLabels() {
    labels.replaceChildren();
    data.groups.forEach((group, index) => {
      if (!expanded.has(index) || group.files === 0) return;
      const disc = model.discs[index];
      if (!disc) return;
      const top = sigma.graphToViewport({ x: disc.x, y: disc.y + disc.r });
      const label = document.createElement('button');
      label.type = 'button';
      label.className = 'cluster-label';
      label.dataset.group = String(index);
      // Above its disc, but never off the top edge of the graph.
      label.style.left = `${top.x}px`;
      label.style.top = `${Math.max(top.y, 30)}px`;
      label.style.borderColor = group.color;
      label.textContent = group.name;
      labels.append(label);
    });
  }
  sigma.on('afterRender', placeClusterLabels);

  function refreshSelection() {
    const graph = sigma.getGraph();
    if (selected.kind === 'group') {
      const index = selected.index;
      const key = groupKey(index);
      focus = graph.hasNode(key) ? new Set([key]) : new Set(graph.filterNodes((_, attrs) => attrs.group === index));
    } else if (selected.kind === 'file') {
      const key = fileKey(selected.index);
      focus = graph.hasNode(key) ? new Set([key]) : new Set();
    } else focus = new Set();
    lit = new Set(focus);
    for (const node of focus) for (const other of graph.neighbors(node)) lit.add(other);
    sigma.refresh({ skipIndexation: true });
  }

  /** @param {number} index */
  function showPanel(index) {
    for (const panel of document.querySelectorAll('[data-panel]')) /** @type {HTMLElement} */ (panel).hidden = true;
    const panel = document.getElementById(index < 0 ? 'panel-intro' : `panel-${index}`);
    if (panel) panel.hidden = false;
    $('#side').scrollTop = 0;
  }

  function updateExpandButtons() {
    for (const button of document.querySelectorAll('[data-expand]')) {
      const index = Number(/** @type {HTMLElement} */ (button).dataset.expand);
      button.textContent = expanded.has(index) ? 'Collapse to one node' : 'Show its files in the graph';
    }
    $('#view-candidates').classList.toggle('on', expanded.size === 0);
    $('#view-files').classList.toggle('on', expanded.size === model.members.filter((m) => m.length > 0).length);
  }

  function redraw() {
    const graph = buildGraph(model, expanded);
    const crowded = graph.getAttribute('edgesOnSelection') === true;
    sigma.setSetting('hideEdgesOnMove', crowded);
    $('#edge-note').hidden = !crowded;
    sigma.setGraph(graph);
    updateExpandButtons();
    refreshSelection();
  }

  /** @param {number} index */
  function selectGroup(index) {
    selected = { kind: 'group', index };
    showPanel(index);
    refreshSelection();
  }

  /** @param {number} index */
  function selectFile(index, focus = false) {
    const group = data.files[index]?.[2] ?? -1;
    if (!expanded.has(group)) {
      expanded.add(group);
      redraw();
    }
    selected = { kind: 'file', index };
    const panel = $('#panel-file');
    panel.replaceChildren(...filePanel(model, index));
    showPanel(-1);
    $('#panel-intro').hidden = true;
    panel.hidden = false;
    refreshSelection();
    if (focus) {
      const display = sigma.getNodeDisplayData(fileKey(index));
      if (display) void sigma.getCamera().animate({ x: display.x, y: display.y, ratio: 0.15 }, { duration: 400 });
    }
  }

  function clearSelection() {
    selected = { kind: 'none' };
    showPanel(-1);
    refreshSelection();
  }

  /** Moves the camera onto a group's files (or back to the whole picture). @param {number} index */
  function frameGroup(index) {
    const camera = sigma.getCamera();
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    sigma.getGraph().forEachNode((node, attrs) => {
      if (attrs.group !== index) return;
      const display = sigma.getNodeDisplayData(node);
      if (!display) return;
      minX = Math.min(minX, display.x);
      maxX = Math.max(maxX, display.x);
      minY = Math.min(minY, display.y);
      maxY = Math.max(maxY, display.y);
    });
    if (!Number.isFinite(minX)) return void camera.animatedReset({ duration: 300 });
    const ratio = Math.min(1, Math.max(0.05, Math.max(maxX - minX, maxY - minY) * 1.4));
    void camera.animate({ x: (minX + maxX) / 2, y: (minY + maxY) / 2, ratio }, { duration: 450 });
  }

  /** @param {number} index */
  function toggleExpand(index) {
    const opening = !expanded.has(index);
    if (opening) expanded.add(index);
    else expanded.delete(index);
    redraw();
    if (opening) frameGroup(index);
  }

  sigma.on('clickNode', ({ node }) => {
    const attrs = sigma.getGraph().getNodeAttributes(node);
    if (attrs.nodeKind === 'group') selectGroup(attrs.index);
    else selectFile(attrs.index);
  });
  sigma.on('doubleClickNode', (event) => {
    const attrs = sigma.getGraph().getNodeAttributes(event.node);
    if (attrs.nodeKind === 'group') {
      event.preventSigmaDefault();
      toggleExpand(attrs.index);
      selectGroup(attrs.index);
    }
  });
  sigma.on('clickStage', clearSelection);
  sigma.on('enterNode', () => container.classList.add('pointer'));
  sigma.on('leaveNode', () => container.classList.remove('pointer'));

  /** @type {Map<string, number> | undefined} */
  let byPath;
  document.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement | null} */ (
      event.target instanceof window.Element ? event.target.closest('[data-group],[data-expand],[data-file],[data-view]') : null
    );
    if (!target) return;
    if (target.dataset.expand !== undefined) {
      const index = Number(target.dataset.expand);
      toggleExpand(index);
      selectGroup(index);
    } else if (target.dataset.group !== undefined) {
      // Asked before selecting: redrawing replaces the cluster labels, which detaches a clicked one.
      const fromOutside = !target.closest('#explorer');
      selectGroup(Number(target.dataset.group));
      if (fromOutside) $('#explorer').scrollIntoView({ behavior: 'smooth', block: 'start' });
    } else if (target.dataset.file !== undefined) {
      byPath ??= new Map(data.files.map((file, index) => [file[0], index]));
      const index = byPath.get(target.dataset.file);
      if (index !== undefined) selectFile(index, true);
    } else if (target.dataset.view !== undefined) {
      expanded.clear();
      if (target.dataset.view === 'files') data.groups.forEach((_, index) => expanded.add(index));
      redraw();
      sigma.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    }
  });
  $('#reset-view').addEventListener('click', () => void sigma.getCamera().animatedReset({ duration: 300 }));
  setupSearch(data, (index) => selectFile(index, true));
  updateExpandButtons();

  const report = {
    sigma,
    state: () => ({
      candidateLevel: data.candidateLevel,
      nodes: sigma.getGraph().order,
      edges: sigma.getGraph().size,
      expanded: [...expanded],
      selected,
      startedMs: started,
    }),
    /** Where a node is drawn, in CSS pixels from the graph container's top left corner. */
    nodePosition: (/** @type {string} */ key) => {
      const attrs = sigma.getGraph().getNodeAttributes(key);
      return sigma.graphToViewport({ x: attrs.x, y: attrs.y });
    },
    selectGroup,
    selectFile,
    toggleExpand,
  };
  Object.assign(window, { __report: report });
  sigma.once('afterRender', () => {
    requestAnimationFrame(() => Object.assign(window, { __reportReady: performance.now() }));
  });
  sigma.refresh();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
