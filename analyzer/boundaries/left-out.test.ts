import { describe, expect, it } from 'vitest';
import type { ExtractedProject } from '../model.js';
import { leaveOutTooling, toolingReason } from './left-out.js';

const project = (paths: string[]): ExtractedProject => ({
  root: '/repo',
  modules: paths.map((path) => ({ path, loc: 10, language: 'ts' })),
  edges: [
    { from: 'scripts/migrate.ts', to: 'src/db.ts', weight: 1, typeOnly: false, dynamic: false },
    { from: 'src/a.ts', to: 'src/db.ts', weight: 2, typeOnly: false, dynamic: false },
  ],
  unresolved: [],
  externals: {},
  routes: [],
  tables: [
    { table: 'schema_migrations', module: 'scripts/migrate.ts', reads: 1, writes: 1, via: 'sql' },
    { table: 'orders', module: 'src/a.ts', reads: 1, writes: 0, via: 'sql' },
  ],
  coChange: [],
  warnings: [],
});

describe('tooling left out of the boundaries', () => {
  it('recognises migrations, seeds and script folders, not application folders', () => {
    expect(toolingReason('scripts/migrate.ts')).toMatch(/scripts\//);
    expect(toolingReason('src/db/migrations/001-init.ts')).toMatch(/migrations\//);
    expect(toolingReason('src/orders/order.service.ts')).toBeUndefined();
    expect(toolingReason('scripts.ts')).toBeUndefined();
  });

  it('drops their modules, edges and table accesses, and says why', () => {
    const { project: kept, leftOut } = leaveOutTooling(project(['scripts/migrate.ts', 'src/a.ts', 'src/db.ts']));
    expect(Object.keys(leftOut)).toEqual(['scripts/migrate.ts']);
    expect(kept.modules.map((module) => module.path)).toEqual(['src/a.ts', 'src/db.ts']);
    expect(kept.edges).toHaveLength(1);
    expect(kept.tables.map((access) => access.table)).toEqual(['orders']);
  });

  it('keeps everything when the whole tree is tooling', () => {
    const { project: kept, leftOut } = leaveOutTooling(project(['scripts/a.ts', 'scripts/b.ts']));
    expect(kept.modules).toHaveLength(2);
    expect(leftOut).toEqual({});
  });
});
