import { describe, expect, it } from 'vitest';
import { analysisProblems, readAnalysis } from './analysis-v1.js';

const valid = {
  schemaVersion: 1,
  tool: { name: 'strangler', version: '0.1.0' },
  root: 'repo',
  stats: { files: 2, edges: 1, durationMs: 5 },
  modules: [
    { path: 'src/a.ts', loc: 3, candidate: 'orders' },
    { path: 'src/db.ts', loc: 2, candidate: 'shared' },
  ],
  edges: [{ from: 'src/a.ts', to: 'src/db.ts', weight: 1, typeOnly: false, dynamic: false }],
  candidates: [
    {
      id: 'orders',
      name: 'orders',
      modules: ['src/a.ts'],
      routes: [],
      tables: [],
      dependsOn: [],
      metrics: { files: 1, loc: 3, cohesion: 1 },
    },
  ],
  sharedKernel: ['src/db.ts'],
  metrics: { modularity: 0, sm: 0, icp: 0, ifn: 0, ned: 1 },
  extractionOrder: ['orders'],
  warnings: [],
};

describe('analysis.json v1 reader', () => {
  it('accepts a valid file, with added fields', () => {
    expect(readAnalysis({ ...valid, extra: true }).candidates[0]?.id).toBe('orders');
  });

  it('names what is wrong, including the module invariant', () => {
    expect(analysisProblems({ ...valid, sharedKernel: [] })).toEqual(['module src/db.ts has candidate "shared" but is listed in []']);
    expect(analysisProblems({ ...valid, candidates: [{ ...valid.candidates[0], id: 'Not Kebab' }] })).toEqual([
      'candidates[0] must be { id (kebab-case), name, modules, routes, tables, dependsOn, metrics }',
    ]);
    expect(() => readAnalysis({ ...valid, edges: 'x' }, 'a.json')).toThrow(
      /a\.json does not follow analysis\.json v1:\n {2}- edges must be a list/,
    );
  });

  it('refuses another schema version with a hint', () => {
    expect(() => readAnalysis({ ...valid, schemaVersion: 2 })).toThrow(/schemaVersion 2; this strangler reads version 1/);
  });
});
