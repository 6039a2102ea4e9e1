/**
 * The quality bar on the sample monolith: its real files through the real pipeline
 * (extract + routes + tables; no git, so the result does not depend on this clone's
 * history), scored against the architect's expected-boundaries.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectProject } from '../collect-project.js';
import { compareDecomposition } from '../compare/index.js';
import type { Boundaries, ExpectedBoundaries, ExtractedProject } from '../model.js';
import { proposeBoundaries } from './propose-boundaries.js';

const SHOP = join(import.meta.dirname, '..', '..', 'fixtures', 'shop-monolith');
const expected = JSON.parse(readFileSync(join(SHOP, 'expected-boundaries.json'), 'utf8')) as ExpectedBoundaries;

describe('boundaries of fixtures/shop-monolith', () => {
  let project: ExtractedProject;
  let boundaries: Boundaries;
  beforeAll(async () => {
    project = await collectProject(SHOP, { git: false });
    boundaries = proposeBoundaries(project);
  });

  it('match the expected decomposition with MoJoFM >= 80', () => {
    const scores = compareDecomposition(boundaries, expected);
    expect(scores.compared).toBeGreaterThan(75);
    expect(scores.mojoFm).toBeGreaterThanOrEqual(80);
    expect(scores.ari).toBeGreaterThan(0.7);
    expect(scores.candidates.actual).toBe(scores.candidates.expected);
  });

  it('name the candidates after the capabilities', () => {
    const ids = boundaries.candidates.map((candidate) => candidate.id);
    for (const id of ['catalog', 'orders', 'cart', 'payments', 'customers', 'inventory', 'shipping', 'notifications', 'admin'])
      expect(ids).toContain(id);
  });

  it('put db, lib and the composition root in the shared kernel', () => {
    for (const path of ['src/app.ts', 'src/server.ts', 'src/db/pool.ts', 'src/db/index.ts', 'src/lib/errors.ts', 'src/lib/logger.ts']) {
      expect(boundaries.sharedKernel, path).toContain(path);
    }
  });

  it('give every table the shop writes one owning candidate', () => {
    const owners = new Map<string, string[]>();
    for (const candidate of boundaries.candidates) {
      for (const table of candidate.tables) if (table.writes > 0) owners.set(table.name, [...(owners.get(table.name) ?? []), candidate.id]);
    }
    const written = new Set(
      project.tables.filter((access) => access.writes > 0 && access.module.startsWith('src/')).map((access) => access.table),
    );
    expect(written.size).toBeGreaterThan(10);
    for (const table of written) expect(owners.get(table), table).toHaveLength(1);
    expect(boundaries.sharedTables).toEqual([]);
  });

  it('are the same on every run', () => {
    expect(proposeBoundaries(project)).toEqual(boundaries);
  });

  it('give N candidates with services: N', () => {
    for (const services of [3, 9, 14]) {
      const forced = proposeBoundaries(project, { services });
      expect(forced.candidates, String(services)).toHaveLength(services);
    }
  });
});
