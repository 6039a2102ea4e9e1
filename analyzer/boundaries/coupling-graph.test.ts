import { describe, expect, it } from 'vitest';
import { buildProject } from './__fixtures__/project-builder.js';
import { buildCouplingGraph } from './coupling-graph.js';
import { resolveBoundaryOptions } from './options.js';

const options = resolveBoundaryOptions();

describe('buildCouplingGraph', () => {
  it('weighs imports by symbols, and type-only and dynamic imports down', () => {
    const graph = buildCouplingGraph(
      buildProject({
        modules: ['a.ts', 'b.ts', 'c.ts', 'd.ts'],
        edges: [
          ['a.ts', 'b.ts', 3],
          ['a.ts', 'c.ts', 3, 'type'],
          ['a.ts', 'd.ts', 2, 'dynamic'],
        ],
      }),
      options,
    );
    expect(graph.weight('a.ts', 'b.ts')).toBe(3);
    expect(graph.weight('b.ts', 'a.ts')).toBe(3);
    expect(graph.weight('a.ts', 'c.ts')).toBeCloseTo(3 * options.typeOnlyFactor, 10);
    expect(graph.weight('a.ts', 'd.ts')).toBeCloseTo(2 * options.dynamicFactor, 10);
  });

  it('adds co-change by degree', () => {
    const graph = buildCouplingGraph(buildProject({ modules: ['a.ts', 'b.ts'], coChange: [['a.ts', 'b.ts', 0.5]] }), options);
    expect(graph.weight('a.ts', 'b.ts')).toBeCloseTo(0.5 * options.coChangeWeight, 10);
  });

  it('ties files that share a table, writers more than readers', () => {
    const graph = buildCouplingGraph(
      buildProject({
        modules: ['w1.ts', 'w2.ts', 'r.ts'],
        tables: [
          ['w1.ts', 'orders', 1, 2],
          ['w2.ts', 'orders', 0, 1],
          ['r.ts', 'orders', 3, 0],
        ],
      }),
      options,
    );
    const writers = graph.weight('w1.ts', 'w2.ts');
    expect(writers).toBeGreaterThan(0);
    expect(graph.weight('w1.ts', 'r.ts')).toBeLessThan(writers);
    expect(graph.weight('w1.ts', 'r.ts')).toBeGreaterThan(0);
  });

  it('gives no affinity for a table that a large share of the files touch', () => {
    const modules = Array.from({ length: 10 }, (_, i) => `m${i}.ts`);
    const graph = buildCouplingGraph(
      buildProject({ modules, tables: modules.map((module): [string, string, number, number] => [module, 'audit_log', 0, 1]) }),
      options,
    );
    expect(graph.totalWeight()).toBe(0);
  });
});
