/**
 * The `strangler` command as a user runs it: the built CLI (dist/, made by `npm run build`
 * before the tests) in a child process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { REPO_ROOT as ROOT, runCli, type CliResult } from './helpers/cli.js';

const strangler = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, { env });

describe('strangler CLI', () => {
  it('prints help with every subcommand and the exit codes', async () => {
    const result = await strangler(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['analyze', 'report', 'plan', 'proxy', 'sync', 'demo'])
      expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(result.stdout).toContain('Exit codes:');
  });

  it('prints its version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await strangler(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('gives every subcommand a --help', async () => {
    for (const name of ['analyze', 'report', 'plan', 'proxy', 'sync', 'demo']) {
      const result = await strangler([name, '--help']);
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toMatch(new RegExp(`Usage: strangler ${name}`));
    }
  });

  it('refuses a missing config file for proxy and sync with the path, a code and exit 2, doing nothing', async () => {
    for (const name of ['proxy', 'sync']) {
      const result = await strangler([name, '--config', 'no-such-config.yaml']);
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toMatch(/Cannot read config file .*no-such-config\.yaml.*\[CONFIG_NOT_FOUND\]/);
      expect(result.stdout, name).toBe('');
    }
  });

  it('refuses unknown commands and options with a suggestion and exit 2', async () => {
    expect(await strangler(['anlyze'])).toMatchObject({ code: 2, stderr: expect.stringContaining('did you mean "analyze"') as unknown });
    expect(await strangler(['demo', '--kep'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('did you mean --keep') as unknown,
    });
  });

  it('runs the demo end to end: monolith and catalog service answer the same', async () => {
    const result = await strangler(['demo'], { DATABASE_URL: inject('pgAdminUrl') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/monolith listening on http:\/\/127\.0\.0\.1:\d+ — GET \/health → 200/);
    expect(result.stdout).toMatch(/5\/5 identical responses\./);
    expect(result.stdout).toMatch(/report: .*strangler-report\/report\.html/);
    expect(result.stdout).toMatch(/catalog service\s+\d+ +\(\d+\.\d %\)/);
    expect(result.stdout).toMatch(/failed\s+0\b/);
    expect(result.stdout).toMatch(/catalog_item 1 price_cents = 200/);
    expect(result.stdout).toMatch(/verify: source and target agree on 3 table\(s\)/);
    expect(result.stdout).toContain('Demo finished.');
  });
});
