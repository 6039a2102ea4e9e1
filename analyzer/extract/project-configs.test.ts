import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Warning } from '../model.js';
import { readProjectConfigs } from './project-configs.js';
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

function configsOf(files: Record<string, string>) {
  const repo = testRepo(files);
  repos.push(repo);
  const paths = Object.keys(files);
  const warnings: Warning[] = [];
  const packages = readRepoPackages(
    repo.root,
    paths.filter((p) => p.endsWith('package.json')),
    [],
    warnings,
  );
  const configs = readProjectConfigs(
    repo.root,
    paths.filter((p) => /[tj]sconfig[\w.]*\.json$/.test(p)),
    packages.byName,
    warnings,
  );
  return { configs, warnings, scope: (dir: string) => configs.scopes.get(dir) };
}

describe('readProjectConfigs', () => {
  it('resolves paths against baseUrl, or against the config that declares them when there is no baseUrl', () => {
    const { scope } = configsOf({
      'configs/base.json': JSON.stringify({ compilerOptions: { paths: { '~/*': ['../src/*'] } } }),
      'tsconfig.json': JSON.stringify({ extends: './configs/base.json' }),
      'web/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: 'src', paths: { '@/*': ['./*'], '@x': ['x/index.ts'] } } }),
    });
    expect(scope('')).toEqual([{ baseUrl: undefined, paths: [{ prefix: '~/', suffix: '', wildcard: true, targets: ['src/*'] }] }]);
    expect(scope('web')).toEqual([
      {
        baseUrl: 'web/src',
        paths: [
          { prefix: '@x', suffix: '', wildcard: false, targets: ['web/src/x/index.ts'] },
          { prefix: '@/', suffix: '', wildcard: true, targets: ['web/src/*'] },
        ],
      },
    ]);
  });

  it('follows arrays of extends, a package of the repo without node_modules, and ${configDir}', () => {
    const { scope, warnings } = configsOf({
      'package.json': JSON.stringify({ name: 'root', workspaces: ['tooling/*'] }),
      'tooling/tsconfig/package.json': JSON.stringify({ name: '@acme/tsconfig', tsconfig: 'node.json' }),
      'tooling/tsconfig/node.json': JSON.stringify({ compilerOptions: { baseUrl: '${configDir}/src' } }),
      'tooling/tsconfig/paths.json': JSON.stringify({ compilerOptions: { paths: { '#app/*': ['${configDir}/src/app/*'] } } }),
      'api/tsconfig.json': JSON.stringify({ extends: ['@acme/tsconfig', '@acme/tsconfig/paths'] }),
    });
    expect(warnings).toEqual([]);
    expect(scope('api')).toEqual([
      { baseUrl: 'api/src', paths: [{ prefix: '#app/', suffix: '', wildcard: true, targets: ['api/src/app/*'] }] },
    ]);
  });

  it('gives a solution-style config the settings of the projects it references', () => {
    const { scope } = configsOf({
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }, { path: './node' }] }),
      'tsconfig.app.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
      'node/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.' } }),
    });
    expect(scope('')).toEqual([
      { baseUrl: undefined, paths: [{ prefix: '@/', suffix: '', wildcard: true, targets: ['src/*'] }] },
      { baseUrl: 'node', paths: [] },
    ]);
  });

  it('prefers tsconfig.json over jsconfig.json in one folder; a config without aliases still scopes its folder', () => {
    const { scope } = configsOf({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.' } }),
      'jsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: 'js' } }),
      'plain/jsconfig.json': JSON.stringify({ compilerOptions: { checkJs: true } }),
    });
    expect(scope('')).toEqual([{ baseUrl: '', paths: [] }]);
    expect(scope('plain')).toEqual([]);
  });

  it('collects outDir as build output (unless it holds the sources) and maps it back to rootDir', () => {
    const { configs } = configsOf({
      'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'lib', rootDir: 'src' } }),
      'pkg/tsconfig.build.json': JSON.stringify({
        compilerOptions: { outDir: 'compiled', declarationDir: 'types' },
        include: ['source/**/*'],
      }),
      'odd/tsconfig.json': JSON.stringify({ compilerOptions: { outDir: '.' } }),
      'inplace/tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'src', rootDir: 'src' } }),
    });
    expect(configs.outDirs.sort()).toEqual(['lib', 'pkg/compiled', 'pkg/types']);
    expect(configs.outputMappings).toContainEqual({ outDir: 'lib', rootDir: 'src' });
    expect(configs.outputMappings).toContainEqual({ outDir: 'pkg/compiled', rootDir: 'pkg/source' });
  });

  it('warns about an unparsable config or a missing extends, and keeps going', () => {
    const { warnings, scope } = configsOf({
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", } // trailing comma and comments are fine\n}',
      'bad/tsconfig.json': '{ "compilerOptions": ',
      'lost/tsconfig.json': JSON.stringify({ extends: '@nowhere/tsconfig', compilerOptions: { baseUrl: '.' } }),
    });
    expect(scope('')).toEqual([{ baseUrl: '', paths: [] }]);
    expect(scope('lost')).toEqual([{ baseUrl: 'lost', paths: [] }]);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['TSCONFIG_INVALID', 'bad/tsconfig.json'],
      ['TSCONFIG_INVALID', 'lost/tsconfig.json'],
    ]);
    expect(warnings[1]?.message).toBe(
      "lost/tsconfig.json: File '@nowhere/tsconfig' not found; the settings that could be read are used (install the dependencies so the base config it extends can be read).",
    );
  });
});
