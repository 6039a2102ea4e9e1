import { describe, expect, it } from 'vitest';
import { buildProject } from './__fixtures__/project-builder.js';
import { detectSharedKernel } from './shared-kernel.js';

const areas = ['orders', 'catalog', 'cart', 'users', 'billing'];
const services = areas.map((area) => `src/${area}/${area}.service.ts`);

describe('detectSharedKernel', () => {
  const project = buildProject({
    modules: [
      ...services,
      'src/lib/errors.ts',
      'src/lib/logger.ts',
      'src/util/format.ts',
      'src/middleware/auth.ts',
      'src/app.ts',
      'src/server.ts',
      'src/orders/orders.types.ts',
    ],
    edges: [
      ...services.map((from): [string, string] => [from, 'src/lib/errors.ts']),
      ['src/lib/errors.ts', 'src/lib/logger.ts'],
      // Imported from everywhere, but it calls into the users service: part of users, not the kernel.
      ...services.map((from): [string, string] => [from, 'src/middleware/auth.ts']),
      ['src/middleware/auth.ts', 'src/users/users.service.ts'],
      // Imported from everywhere, calls orders only for a type: still a utility.
      ...services.map((from): [string, string] => [from, 'src/util/format.ts']),
      ['src/util/format.ts', 'src/orders/orders.types.ts', 1, 'type'],
      ['src/orders/orders.service.ts', 'src/orders/orders.types.ts', 2, 'type'],
      ...services.map((to): [string, string] => ['src/app.ts', to]),
      ['src/server.ts', 'src/app.ts'],
      ['src/server.ts', 'src/lib/logger.ts'],
    ],
  });
  const kernel = detectSharedKernel(project, { kernelSpread: 0.34 });

  it('takes high-fan-in utilities and their own dependencies', () => {
    expect(kernel.modules.has('src/lib/errors.ts')).toBe(true);
    expect(kernel.modules.has('src/lib/logger.ts')).toBe(true);
    expect(kernel.modules.has('src/util/format.ts')).toBe(true);
    expect(kernel.reasons.get('src/lib/errors.ts')).toMatch(/imported from 5 other areas/);
  });

  it('leaves out a utility that calls into a capability at run time', () => {
    expect(kernel.modules.has('src/middleware/auth.ts')).toBe(false);
  });

  it('takes the composition root and the glue around it', () => {
    expect(kernel.reasons.get('src/app.ts')).toMatch(/composition root: wires 5 areas/);
    expect(kernel.reasons.get('src/server.ts')).toBe('entry point: starts src/app.ts');
  });

  it('keeps capability code out', () => {
    for (const service of services) expect(kernel.modules.has(service), service).toBe(false);
    expect(kernel.modules.has('src/orders/orders.types.ts')).toBe(false);
  });
});
