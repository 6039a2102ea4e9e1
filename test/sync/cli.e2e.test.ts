/** `strangler sync` on the command line: help, bad input exits 2 and names the problem. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'strangler-sync-cli-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'sync', ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('strangler sync (CLI)', () => {
  it('documents its actions in --help', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('strangler sync [run|status|verify|drop] --config <sync.yaml>');
    expect(help.out).toContain('verify         compare source and target under the mapping; exit 1 when they differ');
  });

  it('exits 2 on a bad action, a missing or invalid config, or an unset URL variable', async () => {
    expect((await run(['sideways'])).code).toBe(2);
    const missing = await run(['status', '--config', 'nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('[CONFIG_NOT_FOUND]');
    writeFileSync(
      join(dir, 'bad.yaml'),
      'source: { urlEnv: A }\ntarget: { urlEnv: B }\nslot: s\npublication: p\ntables:\n  - source: t\n    targt: u\n',
    );
    const invalid = await run(['verify', '--config', 'bad.yaml']);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toContain('tables[0].targt: unknown key; did you mean "target"?');
    writeFileSync(
      join(dir, 'ok.yaml'),
      'source: { urlEnv: SYNC_CLI_SRC }\ntarget: { urlEnv: SYNC_CLI_DST }\nslot: s\npublication: p\ntables:\n  - source: t\n    target: u\n',
    );
    const unset = await run(['--config', 'ok.yaml'], { SYNC_CLI_SRC: 'postgres://user:hunter2@127.0.0.1:1/x' });
    expect(unset.code).toBe(2);
    expect(unset.out).toContain('target.urlEnv names the environment variable SYNC_CLI_DST, which is not set');
    expect(unset.out).not.toContain('hunter2');
  });
});
