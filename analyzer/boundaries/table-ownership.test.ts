import { describe, expect, it } from 'vitest';
import { buildProject, clique, filesIn } from './__fixtures__/project-builder.js';
import { buildCouplingGraph } from './coupling-graph.js';
import { resolveBoundaryOptions } from './options.js';
import { refineTableOwnership, tableOwners } from './table-ownership.js';

describe('refineTableOwnership', () => {
  const orders = filesIn('src/orders', 3);
  const billing = filesIn('src/billing', 3);
  const project = buildProject({
    modules: [...orders, ...billing, 'src/billing/order-sync.repository.ts', 'src/billing/report.ts'],
    edges: [
      ...clique(orders),
      ...clique(billing),
      ['src/billing/billing-0.ts', 'src/billing/order-sync.repository.ts', 3],
      ['src/billing/report.ts', 'src/billing/billing-1.ts', 3],
    ],
    tables: [
      ['src/orders/orders-0.ts', 'orders', 2, 5],
      ['src/billing/order-sync.repository.ts', 'orders', 0, 1],
      // Writes orders too, but it is no data-access code and belongs to billing by its imports.
      ['src/billing/report.ts', 'orders', 1, 1],
      ['src/billing/report.ts', 'invoices', 0, 3],
    ],
  });
  const graph = buildCouplingGraph(project, resolveBoundaryOptions());
  const communities = new Map<string, number>([
    ...orders.map((path): [string, number] => [path, 0]),
    ...billing.map((path): [string, number] => [path, 1]),
    ['src/billing/order-sync.repository.ts', 1],
    ['src/billing/report.ts', 1],
  ]);

  it('owns each table by the candidate that writes it most', () => {
    expect(tableOwners(project, communities)).toEqual(
      new Map([
        ['orders', 0],
        ['invoices', 1],
      ]),
    );
  });

  it('moves a repository that only writes a table owned elsewhere to the owner', () => {
    const { communities: refined, moves } = refineTableOwnership(project, graph, communities);
    expect(moves).toEqual([{ module: 'src/billing/order-sync.repository.ts', table: 'orders', from: 1, to: 0 }]);
    expect(refined.get('src/billing/order-sync.repository.ts')).toBe(0);
    expect(refined.get('src/billing/report.ts')).toBe(1);
  });
});
