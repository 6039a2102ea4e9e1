/**
 * Reads change sets from `git log` (no shell: execFile with an argument list). Paths come
 * relative to the repository's top level; they are mapped to paths relative to the analyzed
 * root (which may be a subfolder: `git rev-parse --show-prefix`). Renames are followed in
 * the simple case: a file renamed in a later commit is counted under its newest name.
 */
import { execFile } from 'node:child_process';

export interface GitCommit {
  hash: string;
  /** Paths relative to the analyzed root, renames mapped to the newest name. */
  files: string[];
}

const MAX_BUFFER = 256 * 1024 * 1024;
const RECORD = '\u001e';

function git(root: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', root, '-c', 'core.quotepath=off', ...args],
      { maxBuffer: MAX_BUFFER, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(stderr.trim() || error.message));
        else resolve(stdout);
      },
    );
  });
}

/** The root's path inside its repository ('' at the top level, else ending in '/'). Throws when root is not in a git work tree. */
export async function gitPrefix(root: string): Promise<string> {
  return (await git(root, ['rev-parse', '--show-prefix'])).trim();
}

/** Commits newest first (merges left out), each with the files it touched under root. */
export async function readCommits(root: string, prefix: string, maxCommits: number): Promise<GitCommit[]> {
  const output = await git(root, [
    'log',
    '--no-merges',
    '-M',
    '--name-status',
    `--format=${RECORD}%H`,
    '-n',
    String(maxCommits),
    '--',
    '.',
  ]);
  const renamedTo = new Map<string, string>();
  const commits: GitCommit[] = [];
  for (const record of output.split(RECORD)) {
    const lines = record.split('\n');
    const hash = lines[0]?.trim() ?? '';
    if (hash === '') continue;
    const files = new Set<string>();
    for (const line of lines.slice(1)) {
      if (line.trim() === '') continue;
      const fields = line.split('\t');
      const status = fields[0] ?? '';
      let path: string | undefined;
      if ((status.startsWith('R') || status.startsWith('C')) && fields.length >= 3) {
        const from = fields[1] ?? '';
        const to = fields[2] ?? '';
        path = renamedTo.get(to) ?? to;
        // Older commits name the file by its old path: count them under the newest name.
        if (status.startsWith('R')) renamedTo.set(from, path);
      } else {
        const raw = fields[1];
        path = raw === undefined ? undefined : (renamedTo.get(raw) ?? raw);
      }
      if (path !== undefined && path.startsWith(prefix)) files.add(path.slice(prefix.length));
    }
    commits.push({ hash, files: [...files] });
  }
  return commits;
}
