import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuList, pinTree, placeLatencyRun, stealPercent, stealSeconds, TASKSET } from './cpus.js';

/** The CPUs a process may run on, as the kernel reports them. */
const allowed = (pid: number): string => /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';

/** A process with a child of its own, both sleeping: a tree to place. */
function tree(): Promise<{ parent: ChildProcess; child: number }> {
  const parent = spawn(process.execPath, [
    '-e',
    "const c = require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);",
  ]);
  return new Promise((resolve, reject) => {
    parent.once('error', reject);
    parent.stdout.once('data', (chunk: Buffer) => resolve({ parent, child: Number(chunk.toString().trim()) }));
  });
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

describe('cpus', () => {
  it('writes CPU lists as taskset reads them and steal as a share of the CPU time there was', () => {
    expect(cpuList(0, 0)).toBe('0');
    expect(cpuList(0, 2)).toBe('0-2');
    expect(stealPercent(0.1, 5, 2)).toBe(1);
    expect(stealPercent(0, 5, 2)).toBe(0);
    expect(stealPercent(1, 0, 2)).toBe(0);
  });

  it('reads the steal counter off /proc/stat, and it never goes back', () => {
    const before = stealSeconds();
    expect(before).toBeGreaterThanOrEqual(0);
    expect(stealSeconds()).toBeGreaterThanOrEqual(before);
  });

  it('finds taskset and more than one CPU on the machines the bench runs on', () => {
    expect(existsSync(TASKSET)).toBe(true);
    expect(availableParallelism()).toBeGreaterThanOrEqual(2);
  });

  it('pins a process, its threads and its children, and undoes it', async () => {
    const { parent, child } = await tree();
    started.push(parent);
    const all = allowed(parent.pid ?? 0);
    pinTree(parent.pid ?? 0, '0');
    expect(allowed(parent.pid ?? 0)).toBe('0');
    expect(allowed(child)).toBe('0');
    const threads = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/status`, 'utf8');
    expect(threads).toMatch(/^Cpus_allowed_list:\s*0$/m);
    pinTree(parent.pid ?? 0, all);
    expect(allowed(child)).toBe(all);
  });

  it('gives the proxy under test the last CPU, the load side and this process the rest, and puts all back', async () => {
    const proxy = await tree();
    const upstream = await tree();
    started.push(proxy.parent, upstream.parent);
    const cpus = availableParallelism();
    const all = allowed(process.pid);
    const placement = placeLatencyRun([proxy.parent.pid ?? 0], [upstream.parent.pid ?? 0]);
    if (!('undo' in placement)) throw new Error(`not placed: ${placement.skipped}`);
    try {
      expect(placement.label).toContain(`CPU ${cpus - 1}`);
      expect(allowed(proxy.child)).toBe(String(cpus - 1));
      expect(allowed(upstream.child)).toBe(cpuList(0, cpus - 2));
      expect(allowed(process.pid)).toBe(cpuList(0, cpus - 2));
    } finally {
      placement.undo();
    }
    expect(allowed(process.pid)).toBe(all);
    expect(allowed(proxy.child)).toBe(all);
    expect(allowed(upstream.child)).toBe(all);
  });

  it('refuses a CPU the machine does not have, naming the command', async () => {
    const { parent } = await tree();
    started.push(parent);
    expect(() => pinTree(parent.pid ?? 0, String(availableParallelism() + 7))).toThrow(/taskset -a -p -c/);
  });
});
