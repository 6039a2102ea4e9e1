import { describe, expect, it } from 'vitest';
import { parseArgs } from './_args.js';
import type { OptionSpec } from './_command.js';

const specs: OptionSpec[] = [
  { name: 'out', type: 'string', description: 'output dir', default: 'strangler-report' },
  { name: 'services', type: 'number', description: 'how many' },
  { name: 'git', type: 'boolean', description: 'use git history', default: true },
  { name: 'json', type: 'boolean', short: 'j', description: 'print JSON' },
];

describe('parseArgs', () => {
  it('reads values, flags, negations, short flags and positionals', () => {
    expect(parseArgs(['repo', '--out=x', '--services', '4', '--no-git', '-j', '--', '--literal'], specs)).toEqual({
      positionals: ['repo', '--literal'],
      options: { out: 'x', services: 4, git: false, json: true },
    });
  });

  it('applies defaults', () => {
    expect(parseArgs([], specs).options).toEqual({ out: 'strangler-report', git: true });
  });

  it('refuses unknown options with a suggestion, missing values and non-numbers', () => {
    expect(() => parseArgs(['--servics', '3'], specs)).toThrow('Unknown option --servics (did you mean --services?)');
    expect(() => parseArgs(['--out'], specs)).toThrow('--out needs a value');
    expect(() => parseArgs(['--out', '--json'], specs)).toThrow('--out needs a value');
    expect(() => parseArgs(['--services', 'many'], specs)).toThrow('--services needs a number, got "many"');
    expect(() => parseArgs(['--json=yes'], specs)).toThrow('--json is a flag');
  });
});
