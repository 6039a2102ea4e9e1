import { defineConfig } from 'vitest/config';

const shared = { exclude: ['**/node_modules/**', '**/dist/**', 'fixtures/**/node_modules/**', 'scratch/**'] };

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...shared.exclude, '**/*.pg.test.ts', '**/*.e2e.test.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'pg',
          include: ['**/*.pg.test.ts'],
          globalSetup: ['./test/helpers/global-postgres.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          globalSetup: ['./test/helpers/global-postgres.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Spawned servers and databases: one file at a time keeps the 2-core machines calm.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
