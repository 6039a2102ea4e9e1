/**
 * Where the benchmark's processes run, and what the hypervisor took from them.
 *
 * On a small machine the scheduler puts the load generator and the upstream on the proxy's CPU
 * whenever they wake: with two CPUs, our proxy's main thread was preempted about 0.7 times per
 * request at 2,500 req/s. `placeLatencyRun` gives the proxy under test (or nginx) a CPU of its own
 * and the load generator and upstream the others, the way proxies are benchmarked on bigger
 * machines; every row gets the same placement. Steal time (/proc/stat) is the time a virtual
 * machine's CPUs wanted to run and the host ran something else: on a shared host it comes in
 * episodes of milliseconds that every process in the path waits through, so each latency run
 * reports how much of it there was.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { descendants, USER_HZ } from './processes.js';

export const TASKSET = '/usr/bin/taskset';

/** The machine's CPU time stolen by the hypervisor so far, summed over its CPUs, in seconds (0 without /proc/stat). */
export function stealSeconds(): number {
  try {
    // The first line is the sum over CPUs: "cpu user nice system idle iowait irq softirq steal …" (proc(5)).
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/) ?? [];
    return Number(fields[8] ?? 0) / USER_HZ;
  } catch {
    return 0;
  }
}

/** Steal during a run as a percentage of all the CPU time the machine had in it. */
export function stealPercent(stolenSeconds: number, wallSeconds: number, cpus = availableParallelism()): number {
  return wallSeconds > 0 ? Math.round((stolenSeconds / (wallSeconds * cpus)) * 10000) / 100 : 0;
}

/** A CPU list for taskset: "0-2", or "3" for one. */
export function cpuList(first: number, last: number): string {
  return first === last ? String(first) : `${first}-${last}`;
}

/** Sets the CPUs of `pid` and all its threads, and of all its descendants unless `alone`. Throws with taskset's output if it fails. */
export function pinTree(pid: number, cpus: string, alone = false): void {
  for (const target of alone ? [pid] : [pid, ...descendants(pid)]) {
    const result = spawnSync(TASKSET, ['-a', '-p', '-c', cpus, String(target)], { encoding: 'utf8' });
    // A process that exited meanwhile has nothing left to place.
    if (result.status !== 0 && existsSync(`/proc/${target}`))
      throw new Error(`taskset -a -p -c ${cpus} ${target} failed: ${result.stderr || result.error?.message || ''}`);
  }
}

export interface Placement {
  /** What the table says about where things ran. */
  label: string;
  /** Puts every process back on every CPU. */
  undo(): void;
}

/**
 * Gives the processes of `underTest` (our proxy, nginx) the last CPU, and `loadSide` (the
 * upstream) and this process (whose children from now on — pace, wrk — inherit its CPUs) the
 * others. Says why not when the machine has one CPU or no taskset.
 */
export function placeLatencyRun(underTest: number[], loadSide: number[]): Placement | { skipped: string } {
  const cpus = availableParallelism();
  if (cpus < 2) return { skipped: 'one CPU: nothing to separate' };
  if (!existsSync(TASKSET)) return { skipped: `no ${TASKSET} (util-linux)` };
  const all = cpuList(0, cpus - 1);
  const load = cpuList(0, cpus - 2);
  const proxy = String(cpus - 1);
  const undo = (): void => {
    pinTree(process.pid, all, true);
    for (const pid of [...underTest, ...loadSide]) pinTree(pid, all);
  };
  try {
    pinTree(process.pid, load, true);
    for (const pid of loadSide) pinTree(pid, load);
    for (const pid of underTest) pinTree(pid, proxy);
  } catch (error) {
    undo();
    return { skipped: (error as Error).message };
  }
  return { label: `the proxy under test on CPU ${proxy}; load generator and upstream on CPU ${load}`, undo };
}
