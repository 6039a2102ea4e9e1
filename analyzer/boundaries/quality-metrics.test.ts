import { describe, expect, it } from 'vitest';
import { buildProject } from './__fixtures__/project-builder.js';
import { addImportEdges } from './coupling-graph.js';
import { resolveBoundaryOptions } from './options.js';
import { qualityMetrics } from './quality-metrics.js';
import { WeightedGraph } from './weighted-graph.js';

describe('qualityMetrics', () => {
  // A = {a1, a2}, B = {b1, b2, b3}; a1→a2 (1), b1→b2 (1), b2→b3 (1), a1→b1 (2); k is kernel.
  const project = buildProject({
    modules: ['a1.ts', 'a2.ts', 'b1.ts', 'b2.ts', 'b3.ts', 'k.ts'],
    edges: [
      ['a1.ts', 'a2.ts', 1],
      ['b1.ts', 'b2.ts', 1],
      ['b2.ts', 'b3.ts', 1],
      ['a1.ts', 'b1.ts', 2],
      ['a1.ts', 'k.ts', 5],
      ['b3.ts', 'k.ts', 5],
    ],
  });
  const assignment = new Map([
    ['a1.ts', 'a'],
    ['a2.ts', 'a'],
    ['b1.ts', 'b'],
    ['b2.ts', 'b'],
    ['b3.ts', 'b'],
    ['k.ts', 'shared'],
  ]);
  const graph = new WeightedGraph(project.modules.map((m) => m.path));
  addImportEdges(graph, project, resolveBoundaryOptions());
  const metrics = qualityMetrics(project, assignment, graph, 'shared');

  it('computes Newman Q on the coupling graph without the kernel', () => {
    // W = 5; S_A = 4, S_B = 6; Q = (1/5 − 0.4²) + (2/5 − 0.6²) = 0.08.
    expect(metrics.modularity).toBeCloseTo(0.08, 3);
  });

  it('computes SM (Jin et al.)', () => {
    // scoh: 1/2² = 0.25 and 2/3² = 0.222…; scop = 1 / (2·2·3) = 0.0833…; SM = 0.2361 − 0.0833.
    expect(metrics.sm).toBeCloseTo(0.153, 3);
  });

  it('computes ICP, IFN and NED', () => {
    expect(metrics.icp).toBeCloseTo(2 / 5, 3);
    // b1 is the only file another candidate imports; two candidates.
    expect(metrics.ifn).toBeCloseTo(0.5, 3);
    // Both candidates are below 5 files: every file is in an extreme one.
    expect(metrics.ned).toBe(1);
  });
});
