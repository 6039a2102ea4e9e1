import { describe, expect, it } from 'vitest';
import type { HttpRoute } from '../model.js';
import { filesIn } from './__fixtures__/project-builder.js';
import { nameCandidates } from './naming.js';

const route = (path: string, module: string): HttpRoute => ({ method: 'GET', path, module, framework: 'express' });

describe('nameCandidates', () => {
  it('names a candidate after its dominant folder, below generic roots and layer folders', () => {
    const names = nameCandidates([
      { key: 0, modules: [...filesIn('src/orders', 4), 'src/lib/x.ts'], routes: [] },
      { key: 1, modules: filesIn('apps/api/src/app/user-settings/services', 3), routes: [] },
      { key: 2, modules: filesIn('src/modules/OrderItems', 2), routes: [] },
    ]);
    expect(names).toEqual(
      new Map([
        [0, 'orders'],
        [1, 'user-settings'],
        [2, 'order-items'],
      ]),
    );
  });

  it('falls back to the route prefix, then to the most common file-name word', () => {
    const scattered = ['src/a/checkout.routes.ts', 'src/b/checkout.service.ts', 'src/c/payment.ts', 'src/d/x.ts'];
    const names = nameCandidates([
      {
        key: 0,
        modules: scattered,
        routes: [route('/api/v1/checkout', 'src/a/checkout.routes.ts'), route('/api/v1/checkout/:id', 'src/a/checkout.routes.ts')],
      },
      { key: 1, modules: ['src/p/invoice.ts', 'src/q/invoice.service.ts', 'src/r/tax.ts'], routes: [] },
    ]);
    expect(names.get(0)).toBe('checkout');
    expect(names.get(1)).toBe('invoice');
  });

  it('keeps ids unique and kebab-case: the larger candidate keeps the name, never "shared"', () => {
    const names = nameCandidates([
      { key: 0, modules: ['src/orders/order-items.repository.ts', 'src/orders/order-items.service.ts'], routes: [] },
      { key: 1, modules: filesIn('src/orders', 5), routes: [] },
      { key: 2, modules: filesIn('src/shared', 3), routes: [] },
    ]);
    expect(names.get(1)).toBe('orders');
    expect(names.get(0)).toBe('orders-items');
    expect(names.get(2)).toBe('shared-2');
    for (const id of names.values()) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
