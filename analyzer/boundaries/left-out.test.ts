import { describe, expect, it } from 'vitest';
import { JSX_EVIDENCE, type ExtractedProject } from '../model.js';
import { buildProject, type ProjectSpec } from './__fixtures__/project-builder.js';
import { frontendReasons, leaveOut, toolingReason } from './left-out.js';

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
    // Named for the tool that runs them (uptime-kuma's db/knex_migrations/).
    expect(toolingReason('db/knex_migrations/2023-08-16-0000-create-uptime.js')).toBe(
      'tooling: in a knex_migrations/ folder (migrations, seeds, scripts run beside the services)',
    );
    expect(toolingReason('prisma/db-seeds/users.ts')).toMatch(/db-seeds\//);
    expect(toolingReason('src/migration-status/status.service.ts')).toBeUndefined();
  });

  it('drops their modules, edges and table accesses, and says why', () => {
    const { project: kept, leftOut } = leaveOut(project(['scripts/migrate.ts', 'src/a.ts', 'src/db.ts']));
    expect(Object.keys(leftOut)).toEqual(['scripts/migrate.ts']);
    expect(kept.modules.map((module) => module.path)).toEqual(['src/a.ts', 'src/db.ts']);
    expect(kept.edges).toHaveLength(1);
    expect(kept.tables.map((access) => access.table)).toEqual(['orders']);
  });

  it('keeps everything when the whole tree is tooling', () => {
    const { project: kept, leftOut } = leaveOut(project(['scripts/a.ts', 'scripts/b.ts']));
    expect(kept.modules).toHaveLength(2);
    expect(leftOut).toEqual({});
  });
});

describe('the browser frontend left out of the boundaries', () => {
  // A repository with both sides: a React app, a server with routes and tables, code both use.
  const fullStack = (extra: Partial<ProjectSpec> = {}, ui: Record<string, string> = {}): ExtractedProject => ({
    ...buildProject({
      modules: [
        'app/index.tsx',
        'app/components/Avatar.tsx',
        'app/components/Button.tsx',
        'app/stores/DocumentsStore.ts',
        'app/models/Document.ts',
        'app/models/types.ts',
        'shared/utils/slugify.ts',
        'server/routes/documents.ts',
        'server/models/Document.ts',
        'server/emails/templates/Welcome.tsx',
        'server/queues/EmailTask.ts',
        'server/editor/schema.ts',
        'lib/a.ts',
        'lib/b.ts',
        ...(extra.modules ?? []),
      ],
      edges: [
        ['app/index.tsx', 'app/components/Avatar.tsx'],
        ['app/index.tsx', 'app/stores/DocumentsStore.ts'],
        ['app/components/Avatar.tsx', 'app/components/Button.tsx'],
        ['app/components/Avatar.tsx', 'app/models/types.ts', 1, 'type'],
        ['app/stores/DocumentsStore.ts', 'app/models/Document.ts'],
        ['app/models/Document.ts', 'shared/utils/slugify.ts'],
        ['server/routes/documents.ts', 'server/models/Document.ts'],
        ['server/models/Document.ts', 'shared/utils/slugify.ts'],
        ['server/queues/EmailTask.ts', 'server/emails/templates/Welcome.tsx'],
        // The server names a type of the app's: that loads nothing of the app.
        ['server/editor/schema.ts', 'app/components/Button.tsx', 1, 'type'],
        // Two plain files importing each other, tied to no UI.
        ['lib/a.ts', 'lib/b.ts'],
        ['lib/b.ts', 'lib/a.ts'],
        ...(extra.edges ?? []),
      ],
      routes: [['GET', '/documents', 'server/routes/documents.ts']],
      tables: [['server/models/Document.ts', 'documents', 1, 1]],
    }),
    uiImports: {
      'app/index.tsx': 'react-dom',
      'app/components/Avatar.tsx': 'react',
      'app/components/Button.tsx': JSX_EVIDENCE,
      'server/emails/templates/Welcome.tsx': 'react',
      ...ui,
    },
  });

  it('leaves out UI files, what only they import and the types only they name, and says why', () => {
    const reasons = frontendReasons(fullStack());
    expect([...reasons.keys()]).toEqual([
      'app/components/Avatar.tsx',
      'app/components/Button.tsx',
      'app/index.tsx',
      'app/models/Document.ts',
      'app/models/types.ts',
      'app/stores/DocumentsStore.ts',
    ]);
    expect(reasons.get('app/components/Avatar.tsx')).toBe('frontend: browser UI (imports react) that no server code imports');
    expect(reasons.get('app/components/Button.tsx')).toBe('frontend: browser UI (holds JSX) that no server code imports');
    expect(reasons.get('app/models/Document.ts')).toBe('frontend: imported only by browser UI code (app/stores/DocumentsStore.ts)');
    expect(reasons.get('app/models/types.ts')).toBe('frontend: types named only by browser UI code (app/components/Avatar.tsx)');
    // Kept: code the server imports too, the server's React email template, a ring of plain files.
    for (const kept of ['shared/utils/slugify.ts', 'server/emails/templates/Welcome.tsx', 'lib/a.ts'])
      expect(reasons.has(kept)).toBe(false);
  });

  it('keeps a UI file that server code imports, and what it imports', () => {
    const reasons = frontendReasons(fullStack({ edges: [['server/routes/documents.ts', 'app/components/Avatar.tsx']] }));
    expect(reasons.has('app/components/Avatar.tsx')).toBe(false);
    expect(reasons.has('app/components/Button.tsx')).toBe(false);
    expect(reasons.has('app/stores/DocumentsStore.ts')).toBe(true);
  });

  it('takes an entry point that nothing imports for frontend when it imports UI code and no server code, never a file in a server folder', () => {
    const plugin = (serverImport: boolean): Map<string, string> =>
      frontendReasons(
        fullStack(
          {
            modules: [
              'plugins/github/client/index.ts',
              'plugins/github/client/Icon.tsx',
              'plugins/github/client/mock.ts',
              'test/mocks/users.ts',
            ],
            edges: [
              ['plugins/github/client/index.ts', 'plugins/github/client/Icon.tsx'],
              ['plugins/github/client/index.ts', 'shared/utils/slugify.ts'],
              ['plugins/github/client/index.ts', 'plugins/github/client/mock.ts'],
              ...(serverImport ? [['plugins/github/client/index.ts', 'server/models/Document.ts'] as [string, string]] : []),
              // A mock that only tests import (they are not analyzed), with what it imports: no UI, not frontend.
              ['test/mocks/users.ts', 'lib/a.ts'],
            ],
          },
          { 'plugins/github/client/Icon.tsx': 'react' },
        ),
      );
    const alone = plugin(false);
    expect(alone.get('plugins/github/client/index.ts')).toBe('frontend: an entry point that imports browser UI code and no server code');
    expect(alone.get('plugins/github/client/mock.ts')).toBe('frontend: imported only by browser UI code (plugins/github/client/index.ts)');
    expect(alone.has('plugins/github/client/Icon.tsx')).toBe(true);
    for (const kept of ['test/mocks/users.ts', 'lib/a.ts', 'server/queues/EmailTask.ts']) expect(alone.has(kept)).toBe(false);
    // Importing a model of the server's makes it server code, and what it alone imports with it.
    const mixed = plugin(true);
    for (const kept of ['plugins/github/client/index.ts', 'plugins/github/client/Icon.tsx', 'plugins/github/client/mock.ts'])
      expect(mixed.has(kept)).toBe(false);
  });

  it('leaves nothing out without a server side, and keeps the frontend when asked', () => {
    const spa = { ...fullStack(), routes: [], tables: [] };
    expect(frontendReasons(spa).size).toBe(0);
    const { leftOut, project: kept } = leaveOut(fullStack(), { keepFrontend: true });
    expect(leftOut).toEqual({});
    expect(kept.modules).toHaveLength(14);
    const { leftOut: out, project: rest } = leaveOut(fullStack());
    expect(Object.keys(out)).toHaveLength(6);
    expect(rest.edges.some((edge) => edge.from.startsWith('app/') || edge.to.startsWith('app/'))).toBe(false);
  });
});

describe('configuration files are tooling', () => {
  it('recognises build, lint and test settings by name', () => {
    expect(toolingReason('apps/client/jest.config.ts')).toBe('tooling: a build, lint or test configuration file');
    expect(toolingReason('eslint.config.cjs')).toMatch(/configuration/);
    expect(toolingReason('src/config.ts')).toBeUndefined();
    expect(toolingReason('src/app.config.service.ts')).toBeUndefined();
    for (const path of [
      '.eslintrc.js',
      'packages/web/.prettierrc.cjs',
      '.mocharc.js',
      'Gulpfile.js',
      'gruntfile.ts',
      'frontend/src/setupTests.js',
      'jest.setup.ts',
    ])
      expect(toolingReason(path)).toMatch(/configuration/);
    expect(toolingReason('src/arc.js')).toBeUndefined();
    expect(toolingReason('src/rc.js')).toBeUndefined();
  });
});
