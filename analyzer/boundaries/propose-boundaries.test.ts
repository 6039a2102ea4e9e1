import { describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import { buildProject, clique, filesIn } from './__fixtures__/project-builder.js';
import { proposeBoundaries } from './propose-boundaries.js';

const catalog = filesIn('src/catalog', 6);
const orders = filesIn('src/orders', 6);
const users = filesIn('src/users', 5);
const lib = ['src/lib/db.ts', 'src/lib/errors.ts'];

const project = buildProject({
  modules: [...catalog, ...orders, ...users, ...lib, 'src/app.ts', 'src/orders/README-notes.ts'],
  edges: [
    ...clique(catalog),
    ...clique(orders),
    ...clique(users),
    ['src/orders/orders-0.ts', 'src/catalog/catalog-0.ts', 1],
    ['src/orders/orders-1.ts', 'src/users/users-0.ts', 1],
    ['src/users/users-1.ts', 'src/orders/orders-2.ts', 1],
    ...[...catalog, ...orders, ...users].map((from): [string, string, number] => [from, 'src/lib/db.ts', 1]),
    ...[catalog[0], orders[0], users[0]].map((from): [string, string, number] => [from ?? '', 'src/lib/errors.ts', 1]),
    ['src/app.ts', 'src/catalog/catalog-0.ts', 1],
    ['src/app.ts', 'src/orders/orders-0.ts', 1],
    ['src/app.ts', 'src/users/users-0.ts', 1],
    ['src/orders/README-notes.ts', 'src/lib/errors.ts', 1],
  ],
  routes: [
    ['GET', '/api/products', 'src/catalog/catalog-0.ts'],
    ['POST', '/api/orders', 'src/orders/orders-0.ts'],
  ],
  tables: [
    ['src/catalog/catalog-1.ts', 'products', 2, 1],
    ['src/orders/orders-1.ts', 'orders', 1, 2],
    ['src/orders/orders-2.ts', 'products', 1, 0],
    ['src/users/users-2.ts', 'orders', 0, 1],
  ],
});

describe('proposeBoundaries', () => {
  const boundaries = proposeBoundaries(project);
  const byId = new Map(boundaries.candidates.map((candidate) => [candidate.id, candidate]));

  it('finds the capabilities, named after their folders, with the kernel set aside', () => {
    expect([...byId.keys()]).toEqual(['catalog', 'orders', 'users']);
    expect(boundaries.sharedKernel).toEqual(['src/app.ts', 'src/lib/db.ts', 'src/lib/errors.ts']);
    expect(boundaries.sharedKernelReasons['src/app.ts']).toMatch(/composition root/);
    // A file that only uses the kernel follows its folder.
    expect(boundaries.assignment['src/orders/README-notes.ts']).toBe('orders');
  });

  it('lists every module exactly once, in a candidate or the kernel', () => {
    const listed = [...boundaries.candidates.flatMap((candidate) => candidate.modules), ...boundaries.sharedKernel].sort();
    expect(listed).toEqual(project.modules.map((module) => module.path));
    for (const [path, id] of Object.entries(boundaries.assignment)) {
      if (id === 'shared') expect(boundaries.sharedKernel).toContain(path);
      else expect(byId.get(id)?.modules).toContain(path);
    }
  });

  it('gives each candidate its routes, tables, dependencies and metrics', () => {
    const ordersCandidate = byId.get('orders');
    expect(ordersCandidate?.routes).toEqual([{ method: 'POST', path: '/api/orders', module: 'src/orders/orders-0.ts' }]);
    expect(ordersCandidate?.tables).toEqual([
      { name: 'orders', reads: 1, writes: 2 },
      { name: 'products', reads: 1, writes: 0 },
    ]);
    expect(ordersCandidate?.dependsOn).toEqual([
      { candidate: 'catalog', edges: 1 },
      { candidate: 'users', edges: 1 },
    ]);
    expect(ordersCandidate?.metrics.files).toBe(7);
    expect(ordersCandidate?.metrics.loc).toBe(70);
    expect(ordersCandidate?.metrics.cohesion).toBeGreaterThan(0.8);
  });

  it('reports tables written by several candidates, cycles and an extraction order', () => {
    expect(boundaries.sharedTables).toEqual([{ table: 'orders', writers: ['orders', 'users'], readers: [] }]);
    expect(boundaries.cycles).toEqual([['orders', 'users', 'orders']]);
    // Every candidate has one caller; catalog shares no table; then users is the smaller one.
    expect(boundaries.extractionOrder.map((step) => step.candidate)).toEqual(['catalog', 'users', 'orders']);
    expect(boundaries.extractionOrder[0]?.reason).toBe(
      'Step 1: 1 candidate still in the monolith depends on it (orders; 1 import); it shares no table with another candidate; 6 files. 2 candidates after it.',
    );
    expect(boundaries.extractionOrder[1]?.reason).toContain('it shares 1 table (orders)');
    expect(boundaries.metrics.modularity).toBeGreaterThan(0.4);
    expect(boundaries.metrics.icp).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    expect(proposeBoundaries(project)).toEqual(boundaries);
  });

  it('gives exactly N candidates with services: N', () => {
    for (const services of [1, 2, 4, 6]) {
      const forced = proposeBoundaries(project, { services });
      expect(forced.candidates, String(services)).toHaveLength(services);
      expect(new Set(forced.candidates.map((candidate) => candidate.id)).size).toBe(services);
    }
  });

  it('rejects a services count that is not a whole number of at least 1', () => {
    for (const services of [0, 2.5, -1]) {
      let caught: unknown;
      try {
        proposeBoundaries(project, { services });
      } catch (error) {
        caught = error;
      }
      expect(isStranglerError(caught, 'ANALYZE_BAD_SERVICES')).toBe(true);
    }
  });

  it('handles a project without modules', () => {
    const empty = proposeBoundaries(buildProject({ modules: [] }));
    expect(empty.candidates).toEqual([]);
    expect(empty.extractionOrder).toEqual([]);
  });

  it('splits a project without any import by folder; root files and lone files shared', () => {
    const loose = proposeBoundaries(
      buildProject({ modules: [...filesIn('src/billing', 3), ...filesIn('src/mail', 4), 'src/plugins/sentry.ts', 'src/main.ts'] }),
    );
    expect(loose.candidates.map((candidate) => [candidate.id, candidate.modules.length])).toEqual([
      ['billing', 3],
      ['mail', 4],
    ]);
    expect(loose.sharedKernel).toEqual(['src/main.ts', 'src/plugins/sentry.ts']);
  });

  it('stops at one candidate per file when more services are asked than files', () => {
    const forced = proposeBoundaries(project, { services: 1000 });
    expect(forced.candidates).toHaveLength(project.modules.length - forced.sharedKernel.length);
  });
});

describe('proposeBoundaries table ownership', () => {
  const orders = filesIn('src/orders', 5);
  const billing = filesIn('src/billing', 5);
  const repository = 'src/billing/order-sync.repository.ts';
  const project = buildProject({
    modules: [...orders, ...billing, repository],
    edges: [
      ...clique(orders),
      ...clique(billing),
      ['src/billing/billing-0.ts', repository, 5],
      ['src/billing/billing-1.ts', 'src/orders/orders-1.ts', 1],
    ],
    tables: [
      ['src/orders/orders-0.ts', 'orders', 3, 5],
      [repository, 'orders', 0, 1],
    ],
  });

  it('moves a repository that writes a table owned elsewhere to the owner, and says so', () => {
    const boundaries = proposeBoundaries(project);
    expect(boundaries.tableMoves).toEqual([{ module: repository, table: 'orders', from: 'billing', to: 'orders' }]);
    expect(boundaries.assignment[repository]).toBe('orders');
    expect(boundaries.sharedTables).toEqual([]);
  });
});
