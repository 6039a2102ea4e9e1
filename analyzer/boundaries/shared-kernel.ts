/**
 * The shared kernel: code every service would need, proposed as a shared library instead
 * of being forced into one candidate (which would make every other candidate depend on it).
 *
 * A module is in the kernel when it is
 * 1. a composition root: it wires many areas together and little or nothing imports it
 *    (app.ts, app.module.ts), or an entry point that nothing imports and that starts one
 *    (server.ts, main.ts); or
 * 2. a low-level utility: it sits in an infrastructure folder (lib/, utils/, db/, common/,
 *    middleware/, …) or is imported from a large share of the areas, AND everything it
 *    imports at run time is itself kernel (a "utility" that calls into orders is part of
 *    orders); or
 * 3. glue: a file at a source root whose neighbours are not mostly (2/3) in one area
 *    (server.ts importing app.ts, env and the logger; a health route on the db pool).
 * Files left with no edge to any candidate follow their folder (attach-isolated.ts).
 */
import type { ExtractedProject } from '../model.js';
import { areaOf, isAtRoot, stemOf } from './paths.js';
import { INFRASTRUCTURE_FOLDERS, ROOT_STEMS } from './vocabulary.js';

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

export interface KernelOptions {
  /** A module imported from at least this share of the areas (and at least 3) is a utility. */
  kernelSpread: number;
}

export interface SharedKernel {
  modules: Set<string>;
  /** Why each module is in the kernel. */
  reasons: Map<string, string>;
}

export function detectSharedKernel(project: ExtractedProject, options: KernelOptions): SharedKernel {
  const modules = project.modules.map((module) => module.path);
  const area = new Map(modules.map((path) => [path, areaOf(path)]));
  const runtimeDeps = new Map<string, Set<string>>(modules.map((path) => [path, new Set()]));
  const importers = new Map<string, Set<string>>(modules.map((path) => [path, new Set()]));
  const neighbours = new Map<string, Set<string>>(modules.map((path) => [path, new Set()]));
  for (const edge of project.edges) {
    if (!edge.typeOnly) runtimeDeps.get(edge.from)?.add(edge.to);
    importers.get(edge.to)?.add(edge.from);
    neighbours.get(edge.from)?.add(edge.to);
    neighbours.get(edge.to)?.add(edge.from);
  }
  const areas = new Set(area.values()).size;
  const spreadNeeded = Math.max(3, Math.ceil(options.kernelSpread * areas));
  const foreignAreas = (path: string, of: ReadonlySet<string>): number =>
    new Set([...of].map((other) => area.get(other)).filter((other) => other !== area.get(path))).size;

  const reasons = new Map<string, string>();
  // 1. Composition roots.
  for (const path of modules) {
    const wired = foreignAreas(path, runtimeDeps.get(path) ?? new Set());
    const importedBy = importers.get(path)?.size ?? 0;
    if (wired >= 3 && importedBy <= 1 && (isAtRoot(path) || ROOT_STEMS.test(stemOf(path)))) {
      reasons.set(path, `composition root: wires ${wired} areas together`);
    }
  }
  // Entry points: nothing imports them and they start a composition root (main.ts -> app.module.ts).
  for (const path of modules) {
    if (reasons.has(path) || (importers.get(path)?.size ?? 0) > 0) continue;
    const root = [...(runtimeDeps.get(path) ?? [])].find((dep) => reasons.get(dep)?.startsWith('composition root'));
    if (root) reasons.set(path, `entry point: starts ${root}`);
  }
  // 2. Utilities: start from every candidate and drop those that import non-kernel code at run time.
  const utility = new Map<string, string>();
  for (const path of modules) {
    if (reasons.has(path)) continue;
    const spread = foreignAreas(path, importers.get(path) ?? new Set());
    const folder = (area.get(path) ?? '').split('/').pop() ?? '';
    if (spread >= spreadNeeded) utility.set(path, `imported from ${spread} other areas`);
    else if (INFRASTRUCTURE_FOLDERS.has(folder.toLowerCase()) && !isAtRoot(path)) utility.set(path, `infrastructure folder ${folder}/`);
  }
  const runtimeImporters = new Map<string, string[]>();
  for (const [from, deps] of runtimeDeps) for (const dep of deps) runtimeImporters.set(dep, [...(runtimeImporters.get(dep) ?? []), from]);
  const queue = [...utility.keys()];
  for (let head = 0; head < queue.length; head++) {
    const path = queue[head] ?? '';
    if (!utility.has(path)) continue;
    if ([...(runtimeDeps.get(path) ?? [])].some((dep) => !utility.has(dep) && !reasons.has(dep))) {
      utility.delete(path);
      for (const importer of runtimeImporters.get(path) ?? []) if (utility.has(importer)) queue.push(importer);
    }
  }
  for (const [path, reason] of utility) reasons.set(path, reason);
  // 3. Glue: files at a root that are not tied to one area.
  for (const path of modules) {
    if (reasons.has(path) || !isAtRoot(path)) continue;
    const around = [...(neighbours.get(path) ?? [])].filter((other) => !reasons.has(other));
    const top = Math.max(0, ...countBy(around.map((other) => area.get(other) ?? '')).values());
    if (top * 3 < around.length * 2 || around.length === 0) reasons.set(path, 'at a source root, tied to no single area');
  }
  return { modules: new Set(reasons.keys()), reasons };
}
