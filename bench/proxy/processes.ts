/**
 * Child processes of the benchmark: start one, wait until its port accepts connections,
 * stop it for sure; free ports; resident memory of a process and its children from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

export interface Running {
  name: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function start(name: string, command: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    name,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const connects = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Resolves once `port` accepts a connection; rejects with the process output if it exits or times out. */
export async function waitForPort(running: Running, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null)
      throw new Error(`${running.name} exited (${running.child.exitCode}) before listening:\n${running.output()}`);
    if (await connects(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${running.name} did not listen on ${port} within ${timeoutMs} ms:\n${running.output()}`);
}

/** The direct children of `pid` (of all its threads). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function rssOf(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The children of `pid`, their children, and so on. */
export function descendants(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendants(child)]);
}

const sumOverTree = (pid: number, of: (pid: number) => number): number =>
  descendants(pid).reduce((total, child) => total + of(child), of(pid));

/** Resident memory of `pid` and all its descendants, in bytes (0 when it is gone). */
export function treeRss(pid: number): number {
  return sumOverTree(pid, rssOf);
}

/** Clock ticks per second of /proc/<pid>/stat and /proc/stat times (USER_HZ; 100 on Linux on x86 and arm). */
export const USER_HZ = 100;

function cpuOf(pid: number): number {
  try {
    // Fields after the command (which may hold spaces, so split after its closing parenthesis):
    // state is field 3, utime field 14, stime field 15 (proc(5)).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) used so far by `pid` and its live descendants. */
export function treeCpuSeconds(pid: number): number {
  return sumOverTree(pid, cpuOf);
}

/** Samples `treeRss(pid)` every `everyMs` until stopped; returns the samples in MB. */
export function sampleRss(pid: number, everyMs = 250): { stop(): number[] } {
  const samples: number[] = [];
  const take = (): void => {
    const bytes = treeRss(pid);
    if (bytes > 0) samples.push(Math.round((bytes / 1048576) * 10) / 10);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
