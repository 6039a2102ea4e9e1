/**
 * Runs wrk (https://github.com/wg/wrk) and reads its report: requests per second, the
 * latency percentiles of `--latency`, bytes, and every kind of error it counts.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const WRK = '/usr/bin/wrk';

export interface WrkResult {
  url: string;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  transferMBps: number;
  /** Socket errors plus non-2xx/3xx responses. */
  errors: number;
}

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  threads?: number;
  /** Milliseconds each connection waits before its next request (paces the load). */
  pauseMs?: number;
  /** Where a pacing script may be written. */
  workDir: string;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`wrk: cannot read the duration ${JSON.stringify(text)}`);
  return Number(match[1]) * (UNIT_MS[match[2]] ?? 1);
}

function toMB(text: string): number {
  const match = /^([\d.]+)(B|KB|MB|GB)$/.exec(text);
  if (!match?.[1] || !match[2]) return 0;
  const scale: Record<string, number> = { B: 1 / 1048576, KB: 1 / 1024, MB: 1, GB: 1024 };
  return Number(match[1]) * (scale[match[2]] ?? 1);
}

export function parseWrk(output: string, options: Pick<WrkOptions, 'url' | 'connections' | 'seconds'>): WrkResult {
  const percentile = (p: string): number => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output);
    if (!match?.[1]) throw new Error(`wrk: no ${p}% latency in:\n${output}`);
    return toMs(match[1]);
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output)?.[1];
  const requests = /^\s+(\d+) requests in/m.exec(output)?.[1];
  if (!rps || !requests) throw new Error(`wrk: cannot read the report:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  return {
    ...options,
    requests: Number(requests),
    rps: Number(rps),
    p50: percentile('50'),
    p90: percentile('90'),
    p99: percentile('99'),
    transferMBps: toMB(/^Transfer\/sec:\s+(\S+)/m.exec(output)?.[1] ?? ''),
    errors: socketErrors + non2xx,
  };
}

/**
 * wrk's Lua `delay()` hook: each connection pauses `pauseMs` before its next request (the
 * pause is not part of the latency). wrk asks for the first delay as each connection opens,
 * so the first `connections` answers stagger the connections across the pause: otherwise
 * they would all fire in the same millisecond and measure queueing in that burst instead
 * of the latency each request sees.
 */
function pacingScript(workDir: string, pauseMs: number, connections: number): string {
  const path = join(workDir, `pace-${pauseMs}-${connections}.lua`);
  writeFileSync(
    path,
    [
      'local calls = 0',
      'function delay()',
      '  calls = calls + 1',
      `  if calls <= ${connections} then return math.floor((calls - 1) * ${pauseMs} / ${connections}) end`,
      `  return ${pauseMs}`,
      'end',
      '',
    ].join('\n'),
  );
  return path;
}

export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    '-t',
    String(options.threads ?? 1),
    '-c',
    String(options.connections),
    '-d',
    `${options.seconds}s`,
    '--latency',
    '--timeout',
    '5s',
  ];
  if (options.pauseMs !== undefined) args.push('-s', pacingScript(options.workDir, options.pauseMs, options.connections));
  args.push(options.url);
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${String(code)}:\n${output}`));
      try {
        resolve(parseWrk(output, options));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
