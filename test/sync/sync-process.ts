/**
 * What the sync's process tests share: `strangler sync` (and `sync debezium`) run as a real
 * process from dist/ (its output kept for failure messages), its exit, one-off queries and
 * polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { CLI, REPO_ROOT } from '../helpers/cli.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

export interface DebeziumCli {
  child: ChildProcess;
  exit: Promise<number | null>;
  /** The "debezium ingest started" log line (it names the HTTP listener's url); rejects after 20 s or on an earlier exit. */
  started: Promise<string>;
  output: () => string;
}

/** `strangler sync debezium --config sync.yaml` in `cwd`, with `env` added to this process's. */
export function startDebeziumCli(cwd: string, env: Record<string, string>): DebeziumCli {
  const child = spawn(process.execPath, [CLI, 'sync', 'debezium', '--config', 'sync.yaml'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exit = exited(child);
  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "debezium ingest started" line within 20 s:\n${out}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /[^\n]*"msg":"debezium ingest started"[^\n]*\n/.exec(out)?.[0];
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before starting:\n${out}`));
    });
  });
  return { child, exit, started, output: () => out };
}

/** One query on a connection of its own. */
export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export class SyncProcesses {
  /** The latest output of every process started, for the message of a failed wait. */
  readonly output: string[] = [];

  constructor(
    private readonly configFile: () => string,
    private readonly env: () => Record<string, string>,
    private readonly keepChunks = 2_000,
  ) {}

  /** `strangler sync --config … --log-level warn [args]`, running. */
  spawn(args: string[] = []): ChildProcess {
    const child = spawn(process.execPath, [CLI, 'sync', '--config', this.configFile(), '--log-level', 'warn', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > this.keepChunks) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  /** Polls `read` every `everyMs` until it says true (a failing read counts as false). */
  async waitFor(read: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 25): Promise<void> {
    const started = Date.now();
    while (!(await read().catch(() => false))) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`timed out waiting for ${what}; sync output:\n${this.output.join('').slice(-4000)}`);
      await sleep(everyMs);
    }
  }
}
