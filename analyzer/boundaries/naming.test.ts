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

  it('goes up past the client and server sides of a feature (plugins/slack/server/api: slack)', () => {
    const names = nameCandidates([
      { key: 0, modules: [...filesIn('plugins/slack/server/api', 3), ...filesIn('plugins/slack/server', 2)], routes: [] },
      { key: 1, modules: filesIn('plugins/matomo/client', 2), routes: [] },
      { key: 2, modules: filesIn('frontend/src/billing', 2), routes: [] },
    ]);
    expect(names).toEqual(
      new Map([
        [0, 'slack'],
        [1, 'matomo'],
        [2, 'billing'],
      ]),
    );
  });

  it('a contested folder name takes the folder above it before a file word or a number', () => {
    const names = nameCandidates([
      { key: 0, modules: filesIn('plugins/figma/settings', 4), routes: [] },
      { key: 1, modules: ['plugins/umami/settings/Icon.tsx', 'plugins/umami/settings/Panel.tsx'], routes: [] },
      { key: 2, modules: ['plugins/zapier/settings/Icon.tsx', 'plugins/zapier/settings/Panel.tsx'], routes: [] },
    ]);
    expect(names).toEqual(
      new Map([
        [0, 'settings'],
        [1, 'umami-settings'],
        [2, 'zapier-settings'],
      ]),
    );
  });

  it('names a group of files that share only a role (route schemas across folders) after that role', () => {
    const names = nameCandidates([
      {
        key: 0,
        modules: ['server/routes/api/auth/schema.ts', 'server/routes/api/cron/schema.ts', 'server/routes/api/schema.ts'],
        routes: [],
      },
    ]);
    expect(names.get(0)).toBe('schema');
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
