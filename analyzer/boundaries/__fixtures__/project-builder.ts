/**
 * Small hand-written ExtractedProjects for the boundaries unit tests.
 */
import type { ExtractedProject } from '../../model.js';

export interface ProjectSpec {
  modules: string[];
  /** [from, to, symbols?, 'type' | 'dynamic'?] */
  edges?: Array<[string, string, number?, ('type' | 'dynamic')?]>;
  /** [module, table, reads, writes] */
  tables?: Array<[string, string, number, number]>;
  /** [method, path, module] */
  routes?: Array<[string, string, string]>;
  /** [a, b, degree] */
  coChange?: Array<[string, string, number]>;
}

export function buildProject(spec: ProjectSpec): ExtractedProject {
  return {
    root: '/virtual',
    modules: [...spec.modules].sort().map((path) => ({ path, loc: 10, language: 'ts' as const })),
    edges: (spec.edges ?? []).map(([from, to, weight, kind]) => ({
      from,
      to,
      weight: weight ?? 1,
      typeOnly: kind === 'type',
      dynamic: kind === 'dynamic',
    })),
    unresolved: [],
    externals: {},
    routes: (spec.routes ?? []).map(([method, path, module]) => ({ method, path, module, framework: 'express' as const })),
    tables: (spec.tables ?? []).map(([module, table, reads, writes]) => ({ module, table, reads, writes, via: 'sql' as const })),
    coChange: (spec.coChange ?? []).map(([a, b, degree]) => ({ a, b, degree, shared: 3 })),
    warnings: [],
  };
}

/** Every pair of `files` importing each other once: a tightly knit folder. */
export function clique(files: readonly string[], weight = 2): Array<[string, string, number]> {
  const edges: Array<[string, string, number]> = [];
  for (let i = 0; i < files.length; i++) for (let j = i + 1; j < files.length; j++) edges.push([files[i] ?? '', files[j] ?? '', weight]);
  return edges;
}

/** `n` files in `folder` named after it: folder/name-0.ts … */
export function filesIn(folder: string, n: number, name = folder.split('/').pop() ?? 'file'): string[] {
  return Array.from({ length: n }, (_, i) => `${folder}/${name}-${i}.ts`);
}
