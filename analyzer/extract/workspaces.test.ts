import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Warning } from '../model.js';
import { readRepoPackages } from './workspaces.js';

interface TestRepo {
  root: string;
  remove(): void;
}

/** A throwaway repository folder from a map of files. */
function testRepo(files: Record<string, string>): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'strangler-extract-repo-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((repo) => repo.remove()));

function packagesOf(files: Record<string, string>, pnpm: string[] = []) {
  const repo = testRepo(files);
  repos.push(repo);
  const manifests = Object.keys(files).filter((path) => path.endsWith('package.json'));
  const warnings: Warning[] = [];
  const packages = readRepoPackages(repo.root, manifests, pnpm, warnings);
  return { names: Object.fromEntries([...packages.byName].map(([name, m]) => [name, m.dir])), packages, warnings };
}

const pkg = (name: string, extra: object = {}): string => JSON.stringify({ name, ...extra });

describe('readRepoPackages', () => {
  it('links the members of `workspaces: { packages }` and the workspace root, not other named packages', () => {
    const { names } = packagesOf({
      'package.json': pkg('root', { workspaces: { packages: ['libs/*'] } }),
      'libs/a/package.json': pkg('@x/a'),
      'libs/a/test/fixture/package.json': pkg('express'),
      'tools/package.json': pkg('tools'),
    });
    expect(names).toEqual({ root: '', '@x/a': 'libs/a' });
  });

  it('reads pnpm-workspace.yaml with ! exclusions, and reports an invalid one', () => {
    const { names } = packagesOf(
      {
        'pnpm-workspace.yaml': "packages:\n  - 'apps/**'\n  - '!apps/legacy/**'\n",
        'apps/web/package.json': pkg('web'),
        'apps/api/v2/package.json': pkg('api'),
        'apps/legacy/old/package.json': pkg('old'),
      },
      ['pnpm-workspace.yaml'],
    );
    expect(names).toEqual({ web: 'apps/web', api: 'apps/api/v2' });
    const broken = packagesOf({ 'pnpm-workspace.yaml': 'packages: [unclosed', 'a/package.json': pkg('a') }, ['pnpm-workspace.yaml']);
    expect(broken.warnings).toEqual([expect.objectContaining({ code: 'WORKSPACE_INVALID', path: 'pnpm-workspace.yaml' })]);
  });

  it('links every named package when no workspace is declared, and warns about an unparsable package.json', () => {
    const { names, packages, warnings } = packagesOf({
      'package.json': pkg('root'),
      'a/package.json': pkg('a', {
        main: 'lib/a.js',
        module: 'esm/a.js',
        types: 'a.d.ts',
        exports: './a.js',
        imports: { '#x': './x.js' },
        scripts: { build: 'tsc', bad: 3 },
      }),
      'b/package.json': '{ not json',
      'c/package.json': JSON.stringify({ main: 'index.js' }),
    });
    expect(names).toEqual({ root: '', a: 'a' });
    expect(packages.manifests.get('a')).toEqual({
      dir: 'a',
      name: 'a',
      exports: './a.js',
      imports: { '#x': './x.js' },
      entries: ['esm/a.js', 'lib/a.js', 'a.d.ts'],
      main: 'lib/a.js',
      tsconfig: undefined,
      // A script that is not a string is not a command.
      scripts: { build: 'tsc' },
    });
    expect(packages.manifests.get('c')?.main).toBe('index.js');
    expect(warnings).toEqual([expect.objectContaining({ code: 'PACKAGE_JSON_INVALID', path: 'b/package.json' })]);
  });
});
