/**
 * Real processes for e2e tests: a TypeScript entry point run under tsx. `startService`
 * resolves once the process prints `listening on http://…` (PORT=0 unless told otherwise).
 */
import { createRequire } from 'node:module';
import { runNodeScript, startNodeService, type RunningService } from '../../common/child-process.js';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');

export interface RunOptions {
  cwd: string;
  /** A .ts/.js file, relative to cwd. */
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

export type ServiceProcess = RunningService;

const nodeArgs = (options: RunOptions): string[] => ['--import', tsxLoader, options.entry, ...(options.args ?? [])];

/** Runs a script to completion; rejects with its output when it exits non-zero. */
export function runScript(options: RunOptions): Promise<string> {
  return runNodeScript({ cwd: options.cwd, nodeArgs: nodeArgs(options), env: options.env ?? {}, timeoutMs: options.timeoutMs ?? 60_000 });
}

/** Starts a server process and resolves once it prints `listening on http://host:port`. */
export function startService(options: RunOptions): Promise<ServiceProcess> {
  return startNodeService({
    cwd: options.cwd,
    nodeArgs: nodeArgs(options),
    env: { PORT: '0', ...options.env },
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}
