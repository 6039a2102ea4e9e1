/**
 * The folder rules from DESIGN.md, checked on the real source tree:
 * - the three tools (analyzer, strangler-proxy, sync) never import each other;
 * - common/ imports no tool; reports/ imports neither the proxy nor the sync; only the CLI
 *   imports cli/; nothing imports fixtures/, test/ or bench/;
 * - library code never calls process.exit;
 * - the proxy and the sync never load the TypeScript compiler, even transitively.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const TOOLS = ['analyzer', 'strangler-proxy', 'sync'] as const;
const LIBRARY = ['common', 'analyzer', 'reports', 'strangler-proxy', 'sync'] as const;

function listSources(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry === 'node_modules' || entry === '__fixtures__' || entry === 'vendor') continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listSources(full));
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const folderOf = (file: string): string => relative(ROOT, file).split(sep)[0] ?? '';
const isTest = (file: string): boolean => /\.test\.ts$/.test(file);

interface Import {
  file: string;
  specifier: string;
  /** Absolute path for relative imports; undefined for packages. */
  target: string | undefined;
}

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => ({
    file,
    specifier: fileName,
    target: fileName.startsWith('.') ? resolve(dirname(file), fileName).replace(/\.js$/, '.ts') : undefined,
  }));
}

const sources = ['common', 'cli', 'analyzer', 'reports', 'strangler-proxy', 'sync', 'test', 'bench'].flatMap((dir) =>
  listSources(join(ROOT, dir)),
);
const imports = sources.flatMap(importsOf);

describe('architecture', () => {
  it('finds the source tree it checks', () => {
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.some((file) => file.endsWith(join('cli', 'main.ts')))).toBe(true);
  });

  it('keeps the three tools independent of each other', () => {
    const violations = imports
      .filter((i) => i.target && (TOOLS as readonly string[]).includes(folderOf(i.file)))
      .filter((i) => {
        const to = folderOf(i.target ?? '');
        return (TOOLS as readonly string[]).includes(to) && to !== folderOf(i.file);
      })
      .map((i) => `${relative(ROOT, i.file)} imports ${i.specifier}`);
    expect(violations).toEqual([]);
  });

  it('keeps common/, reports/ and the tools away from what sits above them', () => {
    const forbidden: Record<string, string[]> = {
      common: ['analyzer', 'reports', 'strangler-proxy', 'sync', 'cli'],
      reports: ['strangler-proxy', 'sync', 'cli'],
      analyzer: ['reports', 'cli'],
      'strangler-proxy': ['reports', 'cli'],
      sync: ['reports', 'cli'],
    };
    const violations = imports
      .filter((i) => i.target && !isTest(i.file))
      .filter((i) => (forbidden[folderOf(i.file)] ?? []).includes(folderOf(i.target ?? '')))
      .map((i) => `${relative(ROOT, i.file)} imports ${i.specifier}`);
    expect(violations).toEqual([]);
  });

  it('never imports the sample apps, tests or benchmarks from shipped code', () => {
    const shipped = ['common', 'cli', ...LIBRARY];
    const violations = imports
      .filter((i) => i.target && shipped.includes(folderOf(i.file)) && !isTest(i.file))
      .filter((i) => ['fixtures', 'test', 'bench'].includes(folderOf(i.target ?? '')))
      .map((i) => `${relative(ROOT, i.file)} imports ${i.specifier}`);
    expect(violations).toEqual([]);
  });

  it('never exits the process from library code', () => {
    const offenders = sources
      .filter((file) => (LIBRARY as readonly string[]).includes(folderOf(file)) && !isTest(file))
      .filter((file) => /\bprocess\.exit\s*\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('never loads the TypeScript compiler from the proxy or the sync, even indirectly', () => {
    const byFile = new Map<string, Import[]>();
    for (const i of imports) byFile.set(i.file, [...(byFile.get(i.file) ?? []), i]);
    const reachesTypescript = (start: string): string | undefined => {
      const seen = new Set<string>();
      const stack: Array<{ file: string; path: string[] }> = [{ file: start, path: [relative(ROOT, start)] }];
      while (stack.length > 0) {
        const { file, path } = stack.pop() ?? { file: '', path: [] };
        if (seen.has(file)) continue;
        seen.add(file);
        for (const i of byFile.get(file) ?? []) {
          if (i.specifier === 'typescript' || i.specifier === 'ts-morph') return [...path, i.specifier].join(' -> ');
          if (i.target) stack.push({ file: i.target, path: [...path, relative(ROOT, i.target)] });
        }
      }
      return undefined;
    };
    const chains = sources
      .filter(
        (file) =>
          (['strangler-proxy', 'sync'].includes(folderOf(file)) || /cli[\\/]commands[\\/](proxy|sync)\.ts$/.test(file)) && !isTest(file),
      )
      .map(reachesTypescript)
      .filter((chain): chain is string => chain !== undefined);
    expect(chains).toEqual([]);
  });
});
