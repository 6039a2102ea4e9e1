/** The built `strangler` command (dist/, made by `npm run build` before the tests) in a child process. */
import { join, resolve } from 'node:path';
import { runToEnd, type Finished } from '../../common/child-process.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export type CliResult = Finished;

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return runToEnd(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO_ROOT, ...(options.env ? { env: options.env } : {}) });
}
