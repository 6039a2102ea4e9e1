import { describe, expect, it } from 'vitest';
import type { ProjectConfigs, ResolutionSettings } from './project-configs.js';
import { Resolver } from './resolver.js';
import type { Manifest } from './workspaces.js';
import { manifest } from './__fixtures__/manifest.js';

function resolver(options: {
  modules: string[];
  otherFiles?: string[];
  links?: Record<string, string>;
  scopes?: Record<string, ResolutionSettings[]>;
  manifests?: Manifest[];
  outsideFiles?: string[];
}): Resolver {
  const manifests = new Map((options.manifests ?? []).map((m) => [m.dir, m]));
  const byName = new Map((options.manifests ?? []).filter((m) => m.name !== undefined).map((m) => [m.name ?? '', m]));
  const configs: ProjectConfigs = { scopes: new Map(Object.entries(options.scopes ?? {})), outDirs: [], outputMappings: [] };
  return new Resolver({
    modules: new Set(options.modules),
    otherFiles: new Set(options.otherFiles ?? []),
    links: new Map(Object.entries(options.links ?? {})),
    configs,
    packages: { manifests, byName },
    ...(options.outsideFiles ? { existsOutside: (path: string) => options.outsideFiles?.includes(path) === true } : {}),
  });
}

describe('Resolver', () => {
  it('probes relative specifiers: exact, NodeNext .js for .ts/.tsx, added extensions, index, folder main', () => {
    const r = resolver({
      modules: ['src/a.ts', 'src/b.tsx', 'src/c.mts', 'src/d/index.js', 'src/e.cts', 'src/pkg/lib/start.ts', 'src/f.js'],
      manifests: [manifest('src/pkg', { main: './lib/start.js' })],
    });
    expect(r.resolve('src/main.ts', './a.js')).toEqual({ kind: 'file', path: 'src/a.ts' });
    expect(r.resolve('src/main.ts', './b.js')).toEqual({ kind: 'file', path: 'src/b.tsx' });
    expect(r.resolve('src/main.ts', './c.mjs')).toEqual({ kind: 'file', path: 'src/c.mts' });
    expect(r.resolve('src/main.ts', './e.cjs')).toEqual({ kind: 'file', path: 'src/e.cts' });
    expect(r.resolve('src/main.ts', './a')).toEqual({ kind: 'file', path: 'src/a.ts' });
    expect(r.resolve('src/main.ts', './d')).toEqual({ kind: 'file', path: 'src/d/index.js' });
    expect(r.resolve('src/main.ts', './d/')).toEqual({ kind: 'file', path: 'src/d/index.js' });
    expect(r.resolve('src/main.ts', './f.js')).toEqual({ kind: 'file', path: 'src/f.js' });
    expect(r.resolve('src/main.ts', './pkg')).toEqual({ kind: 'file', path: 'src/pkg/lib/start.ts' });
    expect(r.resolve('src/x/y.ts', '../a.js')).toEqual({ kind: 'file', path: 'src/a.ts' });
    expect(r.resolve('src/x/y.ts', '../../../outside.js')).toEqual({ kind: 'unresolved' });
  });

  it('tells declaration-only, asset and missing targets apart', () => {
    const r = resolver({ modules: ['src/a.ts'], otherFiles: ['src/types.d.ts', 'src/logo.svg', 'src/data.json', 'src/a.test.ts'] });
    expect(r.resolve('src/a.ts', './types.js')).toEqual({ kind: 'external-types' });
    expect(r.resolve('src/a.ts', './types')).toEqual({ kind: 'external-types' });
    expect(r.resolve('src/a.ts', './logo.svg?react')).toEqual({ kind: 'other-file', path: 'src/logo.svg' });
    expect(r.resolve('src/a.ts', './data.json')).toEqual({ kind: 'other-file', path: 'src/data.json' });
    expect(r.resolve('src/a.ts', './a.test')).toEqual({ kind: 'other-file', path: 'src/a.test.ts' });
    expect(r.resolve('src/a.ts', './nope')).toEqual({ kind: 'unresolved' });
  });

  it('applies paths (most specific first, substitutions in order), baseUrl, and the nearest scope', () => {
    const settings: ResolutionSettings = {
      baseUrl: '',
      paths: [
        { prefix: '@app/special', suffix: '', wildcard: false, targets: ['src/special/index.ts'] },
        { prefix: '@app/', suffix: '', wildcard: true, targets: ['src/v2/*', 'src/v1/*'] },
        { prefix: '', suffix: '', wildcard: true, targets: ['typings/*'] },
      ],
    };
    const r = resolver({
      modules: ['src/special/index.ts', 'src/v1/a.ts', 'src/v2/a.ts', 'src/v1/b.ts', 'lib/util.ts', 'tools/x.ts', 'tools/lib/util.ts'],
      scopes: { '': [settings], tools: [{ baseUrl: 'tools', paths: [] }] },
    });
    expect(r.resolve('src/main.ts', '@app/special')).toEqual({ kind: 'file', path: 'src/special/index.ts' });
    expect(r.resolve('src/main.ts', '@app/a')).toEqual({ kind: 'file', path: 'src/v2/a.ts' });
    expect(r.resolve('src/main.ts', '@app/b.js')).toEqual({ kind: 'file', path: 'src/v1/b.ts' });
    expect(r.resolve('src/main.ts', '@app/missing')).toEqual({ kind: 'unresolved' });
    expect(r.resolve('src/main.ts', 'lib/util')).toEqual({ kind: 'file', path: 'lib/util.ts' });
    // The catch-all `*` does not turn every package into an unresolved alias.
    expect(r.resolve('src/main.ts', 'express')).toEqual({ kind: 'external', pkg: 'express' });
    expect(r.resolve('tools/x.ts', 'lib/util')).toEqual({ kind: 'file', path: 'tools/lib/util.ts' });
    expect(r.resolve('tools/x.ts', '@app/a')).toEqual({ kind: 'external', pkg: '@app/a' });
  });

  it('names external packages, and ignores built-ins, URLs and virtual modules', () => {
    const r = resolver({ modules: ['a.ts'] });
    expect(r.resolve('a.ts', '@scope/pkg/deep/file.js')).toEqual({ kind: 'external', pkg: '@scope/pkg' });
    expect(r.resolve('a.ts', 'lodash/fp')).toEqual({ kind: 'external', pkg: 'lodash' });
    for (const specifier of ['node:fs', 'fs', 'fs/promises', 'path', 'https://cdn.example/x.js', 'virtual:pwa', 'data:text/javascript,1'])
      expect(r.resolve('a.ts', specifier)).toEqual({ kind: 'ignored' });
  });

  it('resolves root-absolute specifiers, workspace packages, #imports and imports through symlinked folders', () => {
    const r = resolver({
      modules: ['src/a.ts', 'packages/ui/src/index.tsx', 'packages/ui/src/button.tsx', 'packages/ui/src/db/pool.ts', 'lib/shared/money.ts'],
      manifests: [
        manifest('packages/ui', {
          name: '@acme/ui',
          exports: { '.': './dist/index.js', './*': './dist/*.js' },
          imports: { '#db/*': './src/db/*.ts', '#ext': 'lodash' },
        }),
      ],
      links: { 'src/shared': 'lib/shared' },
    });
    expect(r.resolve('src/b.ts', '/src/a')).toEqual({ kind: 'file', path: 'src/a.ts' });
    expect(r.resolve('src/b.ts', '@acme/ui')).toEqual({ kind: 'file', path: 'packages/ui/src/index.tsx' });
    expect(r.resolve('src/b.ts', '@acme/ui/button')).toEqual({ kind: 'file', path: 'packages/ui/src/button.tsx' });
    expect(r.resolve('src/b.ts', '@acme/ui/nope')).toEqual({ kind: 'unresolved' });
    expect(r.resolve('packages/ui/src/index.tsx', '#db/pool')).toEqual({ kind: 'file', path: 'packages/ui/src/db/pool.ts' });
    expect(r.resolve('packages/ui/src/index.tsx', '#ext')).toEqual({ kind: 'external', pkg: 'lodash' });
    expect(r.resolve('packages/ui/src/index.tsx', '#nope')).toEqual({ kind: 'unresolved' });
    expect(r.resolve('src/a.ts', '#db/pool')).toEqual({ kind: 'unresolved' });
    expect(r.resolve('src/a.ts', './shared/money.js')).toEqual({ kind: 'file', path: 'lib/shared/money.ts' });
  });

  it('takes aliases into a library above the analyzed folder for external packages, and other paths there for outside files', () => {
    const settings: ResolutionSettings = {
      baseUrl: undefined,
      paths: [
        { prefix: '@org/api/', suffix: '', wildcard: true, targets: ['src/*'] },
        { prefix: '@org/common/', suffix: '', wildcard: true, targets: ['../../libs/common/src/lib/*'] },
      ],
    };
    const r = resolver({
      modules: ['src/app.ts', 'src/util.ts'],
      scopes: { '': [settings] },
      outsideFiles: ['../../libs/common/src/lib/config.ts', '../../libs/common/src/lib/interfaces/index.ts', '../../eslint.config.cjs'],
    });
    expect(r.resolve('src/app.ts', '@org/api/util')).toEqual({ kind: 'file', path: 'src/util.ts' });
    expect(r.resolve('src/app.ts', '@org/common/config')).toEqual({ kind: 'external', pkg: '@org/common' });
    expect(r.resolve('src/app.ts', '@org/common/interfaces')).toEqual({ kind: 'external', pkg: '@org/common' });
    expect(r.resolve('src/app.ts', '@org/common/missing')).toEqual({ kind: 'unresolved' });
    expect(r.resolve('eslint.config.cjs', '../../eslint.config.cjs')).toEqual({ kind: 'outside', path: '../../eslint.config.cjs' });
    expect(r.resolve('src/app.ts', '../../nothing-here')).toEqual({ kind: 'unresolved' });
    const withoutCheck = resolver({ modules: ['src/app.ts'], scopes: { '': [settings] } });
    expect(withoutCheck.resolve('src/app.ts', '@org/common/config')).toEqual({ kind: 'unresolved' });
  });

  it('caches per folder for relative specifiers and per scope for bare ones', () => {
    const r = resolver({ modules: ['a/x.ts', 'b/x.ts'] });
    expect(r.resolve('a/main.ts', './x')).toEqual({ kind: 'file', path: 'a/x.ts' });
    expect(r.resolve('b/main.ts', './x')).toEqual({ kind: 'file', path: 'b/x.ts' });
  });
});
