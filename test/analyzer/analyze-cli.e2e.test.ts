/**
 * `strangler analyze` as a user runs it: the built CLI on the sample monolith and on broken
 * input, checking what it writes, what it prints and its exit codes.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAnalysis } from '../../common/contracts/analysis-v1.js';
import { CLI, REPO_ROOT, runCli } from '../helpers/cli.js';

const SHOP = join(REPO_ROOT, 'fixtures', 'shop-monolith');
const temps: string[] = [];
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'strangler-analyze-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else out.push(`${path}:${statSync(join(dir, path)).mtimeMs}`);
    }
  };
  walk('');
  return out.sort();
}

describe('strangler analyze', () => {
  it('analyzes the sample monolith: valid analysis.json, both reports, a summary, and the comparison', async () => {
    const out = temp();
    const result = await runCli([
      'analyze',
      'fixtures/shop-monolith',
      '--out',
      out,
      '--compare',
      'fixtures/shop-monolith/expected-boundaries.json',
      '--min-mojofm',
      '80',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const analysis = readAnalysis(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as unknown);
    expect(analysis.root).toBe('fixtures/shop-monolith');
    expect(analysis.stats.files).toBeGreaterThan(80);
    expect(analysis.candidates.map((candidate) => candidate.id)).toEqual(expect.arrayContaining(['catalog', 'orders', 'inventory']));
    const catalog = analysis.candidates.find((candidate) => candidate.id === 'catalog');
    expect(catalog?.routes.map((route) => `${route.method} ${route.path}`)).toContain('GET /api/catalog/products/:id');
    expect(catalog?.tables.map((table) => table.name)).toEqual(expect.arrayContaining(['products', 'categories']));
    expect(analysis.comparison?.mojoFm).toBeGreaterThanOrEqual(80);
    expect(analysis.extractionOrder.length).toBe(analysis.candidates.length);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('```mermaid');
    expect(result.stdout).toMatch(/^report: .+report\.(html|md)$/m);
    expect(result.stdout).toMatch(/\d+ files, \d+ imports, \d+ routes, \d+ tables → \d+ candidates/);
    expect(result.stdout).toMatch(/extract first: [a-z-]+ — /);
    expect(result.stdout).toMatch(/MoJoFM \d/);
  });

  it('prints analysis.json to stdout with --json and writes nothing', async () => {
    const cwd = temp();
    const result = await runCli(['analyze', SHOP, '--json', '--no-git'], { cwd });
    expect(result.code).toBe(0);
    const analysis = readAnalysis(JSON.parse(result.stdout) as unknown);
    expect(analysis.stats.commits).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('never writes inside the analyzed repository, even when run from inside it', async () => {
    const repo = temp();
    cpSync(SHOP, repo, { recursive: true });
    const before = listTree(repo);
    const result = await runCli(['analyze', '.', '--no-git'], { cwd: repo });
    expect(result.code).toBe(0);
    expect(listTree(repo)).toEqual(before);
    const report = /^report: (.+)$/m.exec(result.stdout)?.[1] ?? '';
    expect(report.startsWith(repo)).toBe(false);
    rmSync(join(report, '..'), { recursive: true, force: true });
  });

  it('keeps going past a file with a syntax error and names it in a warning', async () => {
    const out = temp();
    const result = await runCli(['analyze', 'analyzer/extract/__fixtures__/broken', '--out', out, '--no-git']);
    expect(result.code).toBe(0);
    const analysis = readAnalysis(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as unknown);
    expect(analysis.warnings).toContainEqual(expect.objectContaining({ code: 'PARSE_ERROR', path: 'src/broken.jsx' }));
    expect(analysis.modules.map((module) => module.path)).toEqual(expect.arrayContaining(['src/ok.ts', 'src/after.ts']));
    expect(result.stdout).toMatch(/\d+ warnings/);
  });

  it('says what is wrong, without a stack trace, for a missing directory, no sources, or a bad --compare file', async () => {
    const missing = await runCli(['analyze', 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is not a directory.*\[ANALYZE_NO_DIRECTORY\]/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    const empty = await runCli(['analyze', 'analyzer/extract/__fixtures__/no-sources', '--json']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('[ANALYZE_NO_SOURCES]');
    expect(empty.stdout).toBe('');

    const badFile = join(temp(), 'expected.json');
    writeFileSync(badFile, JSON.stringify({ candidates: [{ id: 'x' }] }));
    const bad = await runCli(['analyze', 'fixtures/shop-monolith', '--json', '--compare', badFile]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/candidates\[0\]\.modules must be a list.*\[ANALYZE_BAD_EXPECTED\]/);

    const services = await runCli(['analyze', 'fixtures/shop-monolith', '--services', '0']);
    expect(services.code).toBe(2);
    expect(services.stderr).toContain('--services must be a whole number');
  });

  it('leaves the browser frontend of a full-stack repository out of the candidates, says why, and keeps it with --include-frontend', async () => {
    const repo = 'analyzer/extract/__fixtures__/full-stack';
    const out = temp();
    const result = await runCli(['analyze', repo, '--out', out, '--no-git']);
    expect(result.code).toBe(0);
    const analysis = readAnalysis(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as unknown);
    const candidateOf = new Map(analysis.modules.map((module) => [module.path, module.candidate]));
    const app = analysis.modules.map((module) => module.path).filter((path) => path.startsWith('app/'));
    expect(app).toHaveLength(6);
    for (const path of app) {
      expect(candidateOf.get(path)).toBeNull();
      expect(analysis.leftOut?.[path]).toMatch(/^frontend: /);
    }
    expect(analysis.leftOut?.['app/App.tsx']).toBe('frontend: browser UI (holds JSX) that no server code imports');
    expect(analysis.leftOut?.['vite.config.ts']).toMatch(/^tooling: /);
    // The server's React email template and the code both sides use stay.
    for (const path of ['server/emails/Welcome.tsx', 'server/mailer.ts', 'shared/slugify.ts']) expect(candidateOf.get(path)).not.toBeNull();
    expect(result.stdout).toContain(
      '7 files left out: 6 frontend (browser UI that no server code imports; --include-frontend keeps it), 1 tooling',
    );
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('7 files left out: 6 frontend');

    const kept = await runCli(['analyze', repo, '--json', '--no-git', '--include-frontend']);
    expect(kept.code).toBe(0);
    const whole = readAnalysis(JSON.parse(kept.stdout) as unknown);
    expect(whole.leftOut).toEqual({ 'vite.config.ts': 'tooling: a build, lint or test configuration file' });
    expect(whole.modules.filter((module) => module.path.startsWith('app/') && module.candidate === null)).toEqual([]);
  });

  it('reads .vue and .svelte components and leaves them out as frontend, and the tools that scripts and CI run as tooling', async () => {
    const result = await runCli(['analyze', 'analyzer/extract/__fixtures__/components', '--json', '--no-git']);
    expect(result.code).toBe(0);
    const analysis = readAnalysis(JSON.parse(result.stdout) as unknown);
    expect(analysis.leftOut).toMatchObject({
      'web/App.vue': 'frontend: browser UI (a Vue component) that no server code imports',
      'web/stores/items.ts': 'frontend: browser UI (imports vue) that no server code imports',
      'widgets/Counter.svelte': 'frontend: browser UI (a Svelte component) that no server code imports',
      'widgets/counter-store.js': 'frontend: imported only by browser UI code (widgets/Counter.svelte)',
    });
    // `start` runs the server last; what it runs before, `reset-cache`, and what only they import are tools.
    expect(analysis.leftOut).toMatchObject({
      'ops/wait-for-db.js': 'tooling: run by the package.json script "start"',
      'ops/reset-cache.js': 'tooling: run by the package.json script "reset-cache"',
      'ops/cache-lib.js': 'tooling: imported only by tooling (ops/reset-cache.js)',
      'ops/check-env.mjs': 'tooling: run by the CI workflow .github/workflows/ci.yml',
    });
    expect(Object.keys(analysis.leftOut ?? {})).toHaveLength(11);
    // The server and the code both sides import stay.
    const kept = analysis.modules.filter((module) => module.candidate !== null).map((module) => module.path);
    expect(kept).toEqual(['server/app.js', 'server/db.js', 'shared/money.js']);
  });

  it('finishes its reports when the reader of its output has gone away (`--json | head -c 100`)', async () => {
    const out = temp();
    // analysis.json goes to stdout first, the reports are written after it.
    const child = spawn(process.execPath, [CLI, 'analyze', 'fixtures/shop-monolith', '--json', '--out', out, '--no-git'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['analysis.json', 'report.html', 'report.md']);
  });
});
