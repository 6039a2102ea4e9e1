import { describe, expect, it } from 'vitest';
import { youngGenerationFlags } from './proxy.js';

describe("strangler proxy: the young generation's flags", () => {
  it('asks for the least size, and raises the largest with it past V8’s 16 MB', () => {
    expect(youngGenerationFlags(8, [])).toEqual(['--min-semi-space-size=8']);
    expect(youngGenerationFlags(16, ['--import', 'tsx'])).toEqual(['--min-semi-space-size=16']);
    expect(youngGenerationFlags(32, [])).toEqual(['--min-semi-space-size=32', '--max-semi-space-size=32']);
  });

  it("adds nothing for 0, or when node's command line already sizes the young generation", () => {
    expect(youngGenerationFlags(0, [])).toEqual([]);
    expect(youngGenerationFlags(8, ['--max-semi-space-size=4'])).toEqual([]);
    expect(youngGenerationFlags(8, ['--min_semi_space_size=2'])).toEqual([]);
    expect(youngGenerationFlags(8, ['--semi-space-growth-factor=2'])).toEqual(['--min-semi-space-size=8']);
  });
});
