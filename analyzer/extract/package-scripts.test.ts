import { describe, expect, it } from 'vitest';
import { toolRunFiles } from './package-scripts.js';
import { manifest } from './__fixtures__/manifest.js';
import type { Manifest } from './workspaces.js';

const scripted = (dir: string, scripts: Record<string, string>): Manifest => manifest(dir, { scripts });

const modules = new Set([
  'server.js',
  'extra/reset-password.js',
  'tools/release.ts',
  'scripts/migrate.js',
  'scripts/seed.ts',
  'ci/check.mjs',
  'packages/api/src/main.ts',
  'packages/api/bin/import.ts',
]);

describe('toolRunFiles', () => {
  it('finds the files tool scripts run through node, tsx, npx, cross-env and env assignments, with runner options skipped', () => {
    const runs = toolRunFiles(
      [
        scripted('', {
          'reset-password': 'node extra/reset-password',
          release: 'cross-env CI=1 npx tsx --tsconfig tsconfig.json ./tools/release.ts --beta',
          seed: 'NODE_ENV=dev node -r dotenv/config --import tsx "scripts/seed.ts"',
          lint: 'eslint .',
          missing: 'node scripts/gone.js',
        }),
        scripted('packages/api', { import: 'pnpm exec tsx bin/import.ts', start: 'node src/main.ts' }),
      ],
      modules,
    );
    expect(runs).toEqual({
      'extra/reset-password.js': 'the package.json script "reset-password"',
      'packages/api/bin/import.ts': 'the package.json script "packages/api: import"',
      'scripts/seed.ts': 'the package.json script "seed"',
      'tools/release.ts': 'the package.json script "release"',
    });
  });

  it('takes the last command of a script that starts the application for the application, and what runs before it for tools', () => {
    const runs = toolRunFiles(
      [
        scripted('', {
          start: 'node scripts/migrate.js && node server.js',
          'dev:watch': 'node --watch server.js',
          'start-pr-test': 'node extra/reset-password.js && npm run dev',
          // The application, even if a tool script runs it too.
          smoke: 'node server.js --check',
        }),
      ],
      modules,
    );
    expect(runs).toEqual({
      'extra/reset-password.js': 'the package.json script "start-pr-test"',
      'scripts/migrate.js': 'the package.json script "start"',
    });
  });

  it('reads the commands of CI workflows, single-line and in run blocks, from the root', () => {
    const workflow = [
      'steps:',
      '  - uses: actions/setup-node@v4',
      '    with:',
      '      node-version: 20',
      '  - run: node ./ci/check.mjs',
      '  - run: |',
      '      npm ci',
      '      bun run tools/release.ts',
    ].join('\n');
    expect(toolRunFiles([], modules, [{ path: '.github/workflows/ci.yml', text: workflow, kind: 'ci' }])).toEqual({
      'ci/check.mjs': 'the CI workflow .github/workflows/ci.yml',
      'tools/release.ts': 'the CI workflow .github/workflows/ci.yml',
    });
  });

  it('reads Dockerfiles: RUN and HEALTHCHECK run tools, CMD and ENTRYPOINT the application', () => {
    const dockerfile = [
      'FROM node:20',
      'COPY . .',
      'RUN npm ci && \\',
      '    node scripts/migrate.js',
      'HEALTHCHECK --interval=60s CMD node ci/check.mjs',
      'ENTRYPOINT ["node", "--enable-source-maps", "server.js"]',
      // A tool that the image also starts is the application.
      'RUN node server.js --build-cache',
    ].join('\n');
    expect(toolRunFiles([], modules, [{ path: 'docker/app.dockerfile', text: dockerfile, kind: 'docker' }])).toEqual({
      'ci/check.mjs': 'the Dockerfile docker/app.dockerfile',
      'scripts/migrate.js': 'the Dockerfile docker/app.dockerfile',
    });
  });

  it('takes paths in the image back to the project files COPY and ADD put there, from the WORKDIR, stage by stage', () => {
    const dockerfile = [
      'FROM node:20 AS build',
      'WORKDIR /build',
      'COPY tools/release.ts ./release.ts',
      'RUN node release.ts',
      'FROM node:20-slim',
      'WORKDIR /srv',
      'COPY --chown=node package.json ./',
      'COPY --from=build /build/dist ./dist',
      'COPY extra ./extra',
      'ADD ["scripts/migrate.js", "scripts/seed.ts", "/usr/local/bin/"]',
      'COPY packages/api/src app',
      'WORKDIR app',
      'RUN node /usr/local/bin/migrate.js && tsx /usr/local/bin/seed.ts && node /srv/extra/reset-password.js',
      // Run from /srv/app, which holds packages/api/src: main.ts is the application, though a RUN ran it too.
      'RUN node /srv/app/main.ts --migrate-only',
      'CMD ["node", "main.ts"]',
      // No copy covers it: counted from the project's root, as after COPY . .
      'HEALTHCHECK CMD node ci/check.mjs',
    ].join('\n');
    expect(toolRunFiles([], modules, [{ path: 'Dockerfile', text: dockerfile, kind: 'docker' }])).toEqual({
      'ci/check.mjs': 'the Dockerfile Dockerfile',
      'extra/reset-password.js': 'the Dockerfile Dockerfile',
      'scripts/migrate.js': 'the Dockerfile Dockerfile',
      'scripts/seed.ts': 'the Dockerfile Dockerfile',
      'tools/release.ts': 'the Dockerfile Dockerfile',
    });
    // The next stage forgets the first one's copies: release.ts is no file of the project there.
    const later = ['FROM node:20', 'COPY tools/release.ts ./release.ts', 'FROM node:20', 'RUN node release.ts'].join('\n');
    expect(toolRunFiles([], modules, [{ path: 'Dockerfile', text: later, kind: 'docker' }])).toEqual({});
  });
});
