import { describe, expect, it } from 'vitest';
import { fitToDisc, groupDiscs, sunflower } from './layout.js';
import { buildReportData, candidateColor, ringOrder } from './report-data.js';
import { syntheticAnalysis } from './synthetic-analysis.js';

describe('groupDiscs', () => {
  it('puts the discs on a ring without overlap and the middle group in the centre', () => {
    const sizes = [400, 30, 250, 5, 90, 1200, 60];
    const discs = groupDiscs(sizes, [5, 0, 2, 4, 1, 3], 6);
    expect(discs[6]).toMatchObject({ x: 0, y: 0 });
    for (let a = 0; a < discs.length; a++)
      for (let b = a + 1; b < discs.length; b++) {
        const p = discs[a];
        const q = discs[b];
        if (!p || !q) throw new Error('missing disc');
        expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThan(p.r + q.r);
      }
  });

  it('grows a disc with its file count', () => {
    const [small, big] = groupDiscs([10, 1000], [0, 1], -1);
    expect(big?.r ?? 0).toBeGreaterThan(small?.r ?? 0);
  });
});

describe('sunflower and fitToDisc', () => {
  it('fills the unit disc and fits points into a disc', () => {
    const seed = sunflower(500);
    for (let i = 0; i < 500; i++) expect(Math.hypot(seed[i * 2] ?? 9, seed[i * 2 + 1] ?? 9)).toBeLessThanOrEqual(1);
    const points = Float64Array.from([0, 0, 10, 0, 0, 10, 1000, 1000]);
    const fitted = fitToDisc(points, 5, -5, 3);
    for (let i = 0; i < 4; i++) expect(Math.hypot((fitted[i * 2] ?? 0) - 5, (fitted[i * 2 + 1] ?? 0) + 5)).toBeLessThanOrEqual(3 + 1e-9);
  });
});

describe('buildReportData', () => {
  it('packs files and edges and groups the shared kernel and left-out files', () => {
    const analysis = syntheticAnalysis({ files: 500, candidates: 7 });
    const data = buildReportData(analysis);
    expect(data.files.length).toBe(analysis.modules.length);
    expect(data.edges.length).toBe(analysis.edges.length * 4);
    const shared = data.groups.find((g) => g.kind === 'shared');
    expect(shared?.files).toBe(analysis.sharedKernel.length);
    expect(data.groups.find((g) => g.kind === 'none')?.files).toBe(analysis.modules.filter((m) => m.candidate === null).length);
    expect(data.groups.slice(0, 7).map((g) => g.key)).toEqual(analysis.candidates.map((c) => c.id));
    // The ring holds every non-empty group but the shared kernel, which sits in the middle.
    expect(new Set(data.ring).size).toBe(data.groups.filter((g) => g.kind !== 'shared' && g.files > 0).length);
    expect(data.ring).not.toContain(data.groups.indexOf(shared ?? data.groups[0]!));
  });

  it('orders the ring so the most coupled groups are neighbours', () => {
    const groups = ['a', 'b', 'c'].map((key) => ({ key, name: key, kind: 'candidate' as const, color: '#000000', files: 1, loc: 1 }));
    const files: Array<[string, number, number]> = [
      ['a.ts', 1, 0],
      ['b.ts', 1, 1],
      ['c.ts', 1, 2],
    ];
    // a-c heavy, a-b light: after a comes c.
    expect(ringOrder(groups, files, [0, 2, 9, 0, 0, 1, 1, 0])).toEqual([0, 2, 1]);
  });

  it('gives sigma-readable hex colours to any number of candidates', () => {
    for (let i = 0; i < 60; i++) expect(candidateColor(i)).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(Array.from({ length: 40 }, (_, i) => candidateColor(i))).size).toBe(40);
  });
});

describe('syntheticAnalysis', () => {
  it('builds contract-valid, deterministic analyses of the asked size', () => {
    const a = syntheticAnalysis({ files: 10_000, candidates: 25 });
    expect(a.stats.files).toBeGreaterThan(9_800);
    expect(a.stats.files).toBeLessThanOrEqual(10_000);
    expect(a.candidates.length).toBe(25);
    expect(a.edges.length).toBeGreaterThan(30_000);
    expect(JSON.stringify(syntheticAnalysis({ files: 300, candidates: 4 }))).toBe(
      JSON.stringify(syntheticAnalysis({ files: 300, candidates: 4 })),
    );
  });
});
