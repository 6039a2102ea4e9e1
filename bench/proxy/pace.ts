/**
 * pace (pace.c): an open-loop load generator with microsecond pacing. Requests are sent at
 * scheduled times (Poisson or evenly spaced arrivals) whatever the server does, and each
 * latency counts from the request's scheduled time, so queueing behind a slow answer shows
 * (no coordinated omission). This file builds it with the system C compiler, runs it and
 * reads its report.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runToEnd, type Finished } from '../../common/child-process.js';

/** pace.c, next to this file. */
export const PACE_SOURCE = join(import.meta.dirname, 'pace.c');

export interface PaceResult {
  /** Requests scheduled after the warm-up (each one either answered or an error). */
  requests: number;
  /** Non-2xx/3xx answers, closed or reset connections, timeouts, malformed or unfinished responses. */
  errors: number;
  /** Requests per second asked for. */
  rate: number;
  /** Successful recorded responses per second of the recorded schedule. */
  achievedRate: number;
  /** Latency percentiles (nearest rank), max and mean of the successful responses, in ms from the scheduled time. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** The most requests that ever waited for a free connection at once. */
  maxQueued: number;
  /** Requests of the warm-up: sent, not recorded. */
  warmupRequests: number;
  /** The errors by kind: a status outside 200–399, a connection closed or reset, no answer within the timeout, a response that is not HTTP, still open at the end. */
  errorsStatus: number;
  errorsClosed: number;
  errorsTimeout: number;
  errorsBadResponse: number;
  errorsUnfinished: number;
  /** Connections opened again, after an error or after the server closed one. */
  reconnects: number;
  /** Median delay between a request's scheduled time and its send, in µs, over the `sendLagSamples` recorded requests that found an idle connection. */
  sendLagP50Us: number;
  sendLagSamples: number;
}

export interface PaceOptions {
  /** `http://` to a numeric IPv4 host or localhost, with a port. */
  url: string;
  /** Requests per second. */
  rate: number;
  /** Seconds of recorded schedule (after the warm-up). */
  seconds: number;
  /** Keep-alive connections (pace's default: 16). */
  connections?: number;
  /** Seconds of schedule sent first and not recorded (pace's default: 0.5). */
  warmup?: number;
  /** Seed of the Poisson arrivals (pace's default: 1). */
  seed?: number;
  arrivals?: 'poisson' | 'uniform';
  /** A response slower than this is an error and its connection is replaced (pace's default: 5000). */
  timeoutMs?: number;
  /** A file for one line per recorded successful response: scheduled time (Unix epoch ms) and latency (µs). */
  dump?: string;
}

/**
 * Compiles pace.c into `<workDir>/pace-<hash of the source>` unless that binary exists
 * already, and returns its path. Throws if there is no `cc` or it fails, with its output.
 */
export async function buildPace(workDir: string): Promise<string> {
  const source = readFileSync(PACE_SOURCE);
  const binary = join(workDir, `pace-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(workDir, { recursive: true });
  // Built under a name of its own, then renamed: a concurrent build never sees half a binary.
  const partial = `${binary}.${process.pid}.tmp`;
  let finished: Finished;
  try {
    finished = await runToEnd('cc', ['-O2', '-Wall', '-Wextra', '-o', partial, PACE_SOURCE]);
  } catch (error) {
    throw new Error(`pace: cannot run the C compiler \`cc\` (is it installed?): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (finished.code !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`pace: \`cc\` failed to compile ${PACE_SOURCE} (exit ${String(finished.code)}):\n${finished.stderr}${finished.stdout}`);
  }
  renameSync(partial, binary);
  return binary;
}

const FIELDS = {
  requests: 'requests',
  errors: 'errors',
  rate: 'rate',
  achievedRate: 'achievedRate',
  p50: 'p50Ms',
  p90: 'p90Ms',
  p99: 'p99Ms',
  p999: 'p999Ms',
  max: 'maxMs',
  mean: 'meanMs',
  maxQueued: 'maxQueued',
  warmupRequests: 'warmupRequests',
  errorsStatus: 'errorsStatus',
  errorsClosed: 'errorsClosed',
  errorsTimeout: 'errorsTimeout',
  errorsBadResponse: 'errorsBadResponse',
  errorsUnfinished: 'errorsUnfinished',
  reconnects: 'reconnects',
  sendLagP50Us: 'sendLagP50Us',
  sendLagSamples: 'sendLagSamples',
} as const satisfies Record<keyof PaceResult, string>;

/** Reads pace's report: the last line of its output that is a JSON object. */
export function parsePace(output: string): PaceResult {
  const line = output
    .split('\n')
    .map((text) => text.trim())
    .findLast((text) => text.startsWith('{'));
  let report: Record<string, unknown> | undefined;
  try {
    if (line) report = JSON.parse(line) as Record<string, unknown>;
  } catch {
    report = undefined;
  }
  if (!report) throw new Error(`pace: no JSON report in its output; it ended with:\n${output.slice(-2000)}`);
  const result = {} as PaceResult;
  for (const [key, name] of Object.entries(FIELDS) as [keyof PaceResult, string][]) {
    const value = report[name];
    if (typeof value !== 'number') throw new Error(`pace: the report has no number ${name}: ${line ?? ''}`);
    result[key] = value;
  }
  return result;
}

/** pace's command line for these options. */
export function paceArgs(options: PaceOptions): string[] {
  const args = ['--url', options.url, '--rate', String(options.rate), '--seconds', String(options.seconds)];
  if (options.connections !== undefined) args.push('--connections', String(options.connections));
  if (options.warmup !== undefined) args.push('--warmup', String(options.warmup));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.arrivals !== undefined) args.push('--arrivals', options.arrivals);
  if (options.timeoutMs !== undefined) args.push('--timeout-ms', String(options.timeoutMs));
  if (options.dump !== undefined) args.push('--dump', options.dump);
  return args;
}

/** Runs the pace binary; rejects with its stderr if it exits with anything but 0. */
export async function runPace(binary: string, options: PaceOptions): Promise<PaceResult> {
  const { code, stdout, stderr } = await runToEnd(binary, paceArgs(options));
  if (code !== 0) throw new Error(`pace exited with ${String(code)}:\n${stderr}`);
  return parsePace(stdout);
}
