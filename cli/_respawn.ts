/**
 * Runs this command again in a child Node.js with extra V8 flags: for flags that take effect
 * only when V8 starts, such as the young generation's size (`strangler proxy`), and that
 * NODE_OPTIONS does not accept. The parent stays as a thin supervisor:
 * - the child is in a process group of its own, so a Ctrl-C reaches it once, from the parent;
 * - SIGINT, SIGTERM and SIGHUP are passed on, and the child's exit code is the parent's
 *   (128 + the signal's number when a signal ended it);
 * - the child notices the parent's death (its IPC channel closes) and stops as on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Set in the child: it runs with the flags and must not start another. */
export const RESPAWNED_ENV = 'STRANGLER_RESPAWNED';

const PASSED_ON: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The command again, in a child with `flags` added to this process's node flags; resolves with its exit code. */
export function respawnWith(flags: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RESPAWNED_ENV]: '1' },
    detached: true,
  });
  const passOn = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const signal of PASSED_ON) process.on(signal, passOn);
  return new Promise((resolve) => {
    const done = (code: number): void => {
      for (const signal of PASSED_ON) process.off(signal, passOn);
      resolve(code);
    };
    child.once('error', () => done(1));
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}

/** In the child: stop as on SIGTERM once the supervising parent is gone. */
export function stopWithParent(): void {
  if (process.env[RESPAWNED_ENV] !== '1' || process.channel === undefined) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
