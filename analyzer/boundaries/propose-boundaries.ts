/**
 * The boundaries stage: from the extracted project to service candidates. Pure: no file
 * system, no output.
 *
 *   tooling (migrations, seeds, scripts) and the browser frontend left out
 *   -> coupling graph (imports, co-change, tables)
 *   -> shared kernel set aside (composition roots, low-level utilities)
 *   -> Louvain (seeded, best of several runs) -> disconnected communities split,
 *      tiny ones merged -> isolated files placed by folder
 *   -> `services: N` forced by merging / splitting
 *   -> table ownership refinement -> names, details, metrics, cycles, extraction order
 */
import { StranglerError } from '../../common/errors.js';
import type { Boundaries, ExtractedProject, SharedTable } from '../model.js';
import { attachIsolated } from './attach-isolated.js';
import { buildCandidates, SHARED } from './candidate-details.js';
import { forceCount } from './candidate-count.js';
import { buildCouplingGraph } from './coupling-graph.js';
import { candidateCycles } from './cycles.js';
import { extractionOrder } from './extraction-order.js';
import { leaveOut } from './left-out.js';
import { louvainCommunities } from './louvain.js';
import { groupsOf, type Communities } from './modularity.js';
import { nameCandidates } from './naming.js';
import { resolveBoundaryOptions, type BoundaryOptions } from './options.js';
import { qualityMetrics } from './quality-metrics.js';
import { chooseResolution, RESOLUTIONS } from './resolution-scan.js';
import { dropSmall, mergeSmall, splitDisconnected } from './refine-communities.js';
import { detectSharedKernel } from './shared-kernel.js';
import { refineTableOwnership } from './table-ownership.js';

function sharedTablesOf(project: ExtractedProject, assignment: ReadonlyMap<string, string>): SharedTable[] {
  const writers = new Map<string, Set<string>>();
  const readers = new Map<string, Set<string>>();
  for (const access of project.tables) {
    const id = assignment.get(access.module);
    if (id === undefined || id === SHARED) continue;
    if (access.writes > 0) writers.set(access.table, (writers.get(access.table) ?? new Set()).add(id));
    if (access.reads > 0) readers.set(access.table, (readers.get(access.table) ?? new Set()).add(id));
  }
  return [...writers]
    .filter(([, ids]) => ids.size > 1)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([table, ids]) => ({
      table,
      writers: [...ids].sort(),
      readers: [...(readers.get(table) ?? [])].filter((id) => !ids.has(id)).sort(),
    }));
}

export function proposeBoundaries(whole: ExtractedProject, options: BoundaryOptions = {}): Boundaries {
  const settings = resolveBoundaryOptions(options);
  if (settings.services !== undefined && (!Number.isInteger(settings.services) || settings.services < 1)) {
    throw new StranglerError(
      'ANALYZE_BAD_SERVICES',
      `services must be a whole number of at least 1 (got ${settings.services}). Pass e.g. --services 5.`,
    );
  }
  const { project, leftOut } = leaveOut(whole, { keepFrontend: settings.keepFrontend });
  const coupling = buildCouplingGraph(project, settings);
  const kernel = settings.sharedKernel
    ? detectSharedKernel(project, settings)
    : { modules: new Set<string>(), reasons: new Map<string, string>() };
  const inner = coupling.induced(new Set(coupling.nodes.filter((node) => !kernel.modules.has(node))));
  const connected = inner.nodes.filter((node) => inner.strength(node) > 0);
  const isolated = inner.nodes.filter((node) => inner.strength(node) === 0);
  const core = inner.induced(new Set(connected));

  // Louvain's order dependence matters most on small graphs; big ones get fewer seeds to stay fast.
  const runs = core.nodes.length > 5000 ? 3 : core.nodes.length > 2000 ? 4 : 6;
  const partitionAt = (resolution: number): Communities => {
    const found = louvainCommunities(core, { resolution, seed: settings.seed, runs });
    const merged = mergeSmall(core, splitDisconnected(core, found), settings.minCandidateFiles);
    // What is still tiny after merging is tied to nothing but the kernel: a health check, a plugin.
    const cleaned = dropSmall(merged, settings.minCandidateFiles);
    return attachIsolated(isolated, cleaned, kernel.modules, settings.minCandidateFiles).communities;
  };
  const resolutions = settings.resolution === undefined ? RESOLUTIONS : [settings.resolution];
  let communities = chooseResolution(inner, partitionAt, resolutions, settings.services).communities;
  // Files tied to no candidate (their folder is kernel, a source root, or too small a group) join the kernel.
  for (const module of inner.nodes) {
    if (communities.has(module)) continue;
    kernel.modules.add(module);
    kernel.reasons.set(module, 'tied to no candidate; its folder is shared, a source root, or too small for a service');
  }
  if (settings.services !== undefined) {
    communities = forceCount(inner.induced(new Set(communities.keys())), communities, settings.services, settings.seed);
  }
  const ownership = refineTableOwnership(project, inner, communities);
  communities = ownership.communities;

  const groups = groupsOf(communities);
  const names = nameCandidates(
    [...groups].map(([key, modules]) => {
      const inside = new Set(modules);
      return { key, modules, routes: project.routes.filter((route) => inside.has(route.module)) };
    }),
  );
  const assignment = new Map<string, string>();
  for (const module of project.modules) {
    const community = communities.get(module.path);
    assignment.set(module.path, community === undefined ? SHARED : (names.get(community) ?? SHARED));
  }
  const candidates = buildCandidates(project, assignment, coupling);
  const sharedTables = sharedTablesOf(project, assignment);
  const dependencies = new Map(candidates.map((candidate) => [candidate.id, candidate.dependsOn.map((d) => d.candidate)]));
  const sharedKernel = [...assignment]
    .filter(([, id]) => id === SHARED)
    .map(([path]) => path)
    .sort();
  return {
    candidates,
    sharedKernel,
    sharedKernelReasons: Object.fromEntries(sharedKernel.map((path) => [path, kernel.reasons.get(path) ?? 'shared'])),
    tableMoves: ownership.moves.map((move) => ({
      module: move.module,
      table: move.table,
      from: names.get(move.from) ?? SHARED,
      to: names.get(move.to) ?? SHARED,
    })),
    assignment: Object.fromEntries([...assignment].sort(([a], [b]) => (a < b ? -1 : 1))),
    leftOut,
    metrics: qualityMetrics(project, assignment, coupling, SHARED),
    extractionOrder: extractionOrder(candidates, sharedTables),
    sharedTables,
    cycles: candidateCycles(dependencies),
  };
}
