import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGitCoChange } from './co-change.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let repo = '';
let tick = 0;

function git(...args: string[]): void {
  tick++;
  const date = `2024-01-01T00:${String(tick).padStart(2, '0')}:00Z`;
  execFileSync('git', ['-C', repo, ...args], {
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_COMMITTER_DATE: date,
    },
  });
}

function write(...paths: string[]): void {
  for (const path of paths) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), `// ${path} ${tick}\n`.repeat(3 + tick));
  }
}

function commit(message: string, ...paths: string[]): void {
  write(...paths);
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

/**
 * History (oldest first), with `maxChangesetSize: 5`:
 *   c1 a b c        c2 a b (+ other/x)   c3 a b c    c4 a c
 *   c5 a b c d g1 g2 (6 files: ignored)  c6 b        c7 rename c → e
 *   c8 a d (on a branch, merged with --no-ff: the merge commit is left out)
 *   c9 other/x only
 * Revisions: a 5, b 4, e 4 (c counted as e), d 1.
 * Shared: a-b 3 → 3 / 4.5; a-e 3 → 3 / 4.5; b-e 2 → 2 / 4; a-d 1 (under minShared).
 */
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'strangler-git-'));
  made.push(repo);
  git('init', '-q', '-b', 'main');
  commit('c1', 'app/src/a.ts', 'app/src/b.ts', 'app/src/c.ts', 'README.md');
  commit('c2', 'app/src/a.ts', 'app/src/b.ts', 'other/x.ts');
  commit('c3', 'app/src/a.ts', 'app/src/b.ts', 'app/src/c.ts');
  commit('c4', 'app/src/a.ts', 'app/src/c.ts');
  commit('c5', 'app/src/a.ts', 'app/src/b.ts', 'app/src/c.ts', 'app/src/d.ts', 'app/src/g1.ts', 'app/src/g2.ts');
  commit('c6', 'app/src/b.ts');
  renameSync(join(repo, 'app/src/c.ts'), join(repo, 'app/src/e.ts'));
  commit('c7');
  git('checkout', '-q', '-b', 'feature');
  commit('c8', 'app/src/a.ts', 'app/src/d.ts');
  git('checkout', '-q', 'main');
  git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
  commit('c9', 'other/x.ts');
});

const options = { maxChangesetSize: 5 };

describe('collectGitCoChange', () => {
  it('computes Code Maat degrees, ignoring large commits and merges and following a rename', async () => {
    const modules = new Set(['app/src/a.ts', 'app/src/b.ts', 'app/src/d.ts', 'app/src/e.ts']);
    const result = await collectGitCoChange(repo, modules, options);
    expect(result.warnings).toEqual([]);
    expect(result.commits).toBe(9);
    expect(result.coChange).toEqual([
      { a: 'app/src/a.ts', b: 'app/src/b.ts', shared: 3, degree: 3 / 4.5 },
      { a: 'app/src/a.ts', b: 'app/src/e.ts', shared: 3, degree: 3 / 4.5 },
      { a: 'app/src/b.ts', b: 'app/src/e.ts', shared: 2, degree: 0.5 },
    ]);
  });

  it('maps paths to a root that is a subfolder of the repository', async () => {
    const modules = new Set(['src/a.ts', 'src/b.ts', 'src/d.ts', 'src/e.ts']);
    const result = await collectGitCoChange(join(repo, 'app'), modules, options);
    expect(result.commits).toBe(8);
    expect(result.coChange).toEqual([
      { a: 'src/a.ts', b: 'src/b.ts', shared: 3, degree: 3 / 4.5 },
      { a: 'src/a.ts', b: 'src/e.ts', shared: 3, degree: 3 / 4.5 },
      { a: 'src/b.ts', b: 'src/e.ts', shared: 2, degree: 0.5 },
    ]);
  });

  it('applies minShared, minDegree, maxCommits and the default changeset size', async () => {
    const modules = new Set(['src/a.ts', 'src/b.ts', 'src/d.ts', 'src/e.ts']);
    const root = join(repo, 'app');
    expect((await collectGitCoChange(root, modules, { ...options, minShared: 1 })).coChange).toContainEqual({
      a: 'src/a.ts',
      b: 'src/d.ts',
      shared: 1,
      degree: 1 / 3,
    });
    expect((await collectGitCoChange(root, modules, { ...options, minDegree: 0.6 })).coChange.map((pair) => pair.b)).toEqual([
      'src/b.ts',
      'src/e.ts',
    ]);
    // The newest three commits: c9 is outside app/, so c8, c7, c6 — no pair changes twice.
    const recent = await collectGitCoChange(root, modules, { ...options, maxCommits: 3 });
    expect(recent.commits).toBe(3);
    expect(recent.coChange).toEqual([]);
    // With the default size limit (30) the six-file commit counts: a-b shared 4.
    const all = await collectGitCoChange(root, modules);
    expect(all.coChange.find((pair) => pair.a === 'src/a.ts' && pair.b === 'src/b.ts')).toEqual({
      a: 'src/a.ts',
      b: 'src/b.ts',
      shared: 4,
      degree: 4 / 5.5,
    });
  });

  it('gives an empty result and a GIT_UNAVAILABLE warning outside a git repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'strangler-nogit-'));
    made.push(plain);
    const result = await collectGitCoChange(plain, new Set(['a.ts']));
    expect(result.coChange).toEqual([]);
    expect(result.commits).toBe(0);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['GIT_UNAVAILABLE']);
  });
});
