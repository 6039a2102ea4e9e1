import { describe, expect, it } from 'vitest';
import { servingFlags, youngGenerationFlags } from './proxy.js';

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

describe("strangler proxy: the serving process's flags", () => {
  const defaults = { youngGenerationMb: 8, gcThreads: 'single', helperNice: 19 } as const;
  const preload = import.meta.filename;

  it('single-threaded GC and the helper-threads preload by default', () => {
    expect(servingFlags(defaults, [], preload)).toEqual(['--min-semi-space-size=8', '--single-threaded-gc', '--require', preload]);
  });

  it("leaves V8's GC threads alone when asked or when node's command line already sets them", () => {
    expect(servingFlags({ ...defaults, gcThreads: 'parallel' }, [], preload)).not.toContain('--single-threaded-gc');
    for (const given of ['--single-threaded-gc', '--no-single-threaded-gc', '--single_threaded_gc', '--single-threaded'])
      expect(servingFlags(defaults, [given], preload)).not.toContain('--single-threaded-gc');
  });

  it('no preload for --helper-nice 0, or when the preload is not there; nothing at all for V8 defaults', () => {
    expect(servingFlags({ ...defaults, helperNice: 0 }, [], preload)).toEqual(['--min-semi-space-size=8', '--single-threaded-gc']);
    expect(servingFlags(defaults, [], `${preload}.missing`)).toEqual(['--min-semi-space-size=8', '--single-threaded-gc']);
    expect(servingFlags({ youngGenerationMb: 0, gcThreads: 'parallel', helperNice: 0 }, [], preload)).toEqual([]);
  });
});
