/**
 * Node child processes for the demo and the e2e tests: run a script to completion, or
 * start a server and wait until it prints `listening on http://host:port`. Stopping is
 * always possible and always ends in a dead process (SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { StranglerError } from './errors.js';

export interface NodeProcessOptions {
  cwd: string;
  /** Arguments for `node`: flags, the entry file, its arguments. */
  nodeArgs: string[];
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Receives every chunk of output as it arrives. */
  onOutput?: (text: string) => void;
}

export interface RunningService {
  readonly baseUrl: string;
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const LISTENING = /listening on (http:\/\/[^\s:/]+:(\d+))/;
const MAX_OUTPUT = 200_000;

function launch(options: NodeProcessOptions): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, options.nodeArgs, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-MAX_OUTPUT);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
}

function stopper(child: ChildProcess): (signal?: NodeJS.Signals) => Promise<void> {
  return (signal = 'SIGTERM') =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(signal);
    });
}

/** Runs to completion; rejects with the process output when it exits non-zero. */
export function runNodeScript(options: NodeProcessOptions): Promise<string> {
  const { child, output } = launch(options);
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new StranglerError('PROCESS_TIMEOUT', `${options.nodeArgs.join(' ')} did not finish within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output());
      else reject(new StranglerError('PROCESS_FAILED', `${options.nodeArgs.join(' ')} exited with ${String(code)}:\n${output()}`));
    });
  });
}

/** How a command ended: its exit code (null when a signal ended it) and its output, stdout and stderr apart. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs any command to its end; rejects only when it cannot be started (e.g. not found). */
export function runToEnd(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a server and resolves once it prints `listening on http://host:port`. */
export function startNodeService(options: NodeProcessOptions): Promise<RunningService> {
  const { child, output } = launch(options);
  const stop = stopper(child);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(
        new StranglerError(
          'PROCESS_TIMEOUT',
          `${options.nodeArgs.join(' ')} did not print "listening on" within ${timeoutMs} ms:\n${output()}`,
        ),
      );
    }, timeoutMs);
    const onData = (): void => {
      const match = LISTENING.exec(output());
      if (!match?.[1] || !match[2]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve({ baseUrl: match[1], port: Number(match[2]), child, output, stop });
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new StranglerError('PROCESS_FAILED', `${options.nodeArgs.join(' ')} exited (${String(code)}) before listening:\n${output()}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
