import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { episodes, readDump, type DumpRow } from './episodes.js';

/** Responses due every 0.4 ms for `seconds`, all fast except where `slow` says. */
function schedule(seconds: number, slow: (at: number) => number | undefined): DumpRow[] {
  const rows: DumpRow[] = [];
  for (let i = 0; i * 0.4 <= seconds * 1000; i++) rows.push({ at: 1_800_000_000_000 + i * 0.4, latencyUs: slow(i * 0.4) ?? 300 });
  return rows;
}

describe('episodes', () => {
  it('counts a stall and its drain as one episode, and episodes per second of schedule', () => {
    // Two stalls: at 1,000 ms (5 ms long: responses due then wait until it ends) and at 3,000 ms.
    const stall = (start: number, length: number) => (at: number) =>
      at >= start && at < start + length ? (start + length - at) * 1000 + 300 : undefined;
    const first = stall(1000, 5);
    const second = stall(3000, 8);
    const result = episodes(schedule(4, (at) => first(at) ?? second(at)));
    expect(result.count).toBe(2);
    expect(result.perSecond).toBeCloseTo(0.5, 2);
    // Slow means 2 ms or more: those due in the stall's last 1.7 ms wait less (9 and 16 are slow).
    expect(result.slow).toBe(9 + 16);
    expect(result.largest).toBe(16);
  });

  it('keeps slow responses further apart than joinMs as separate episodes, and finds none in a calm run', () => {
    const lonely = episodes(schedule(1, (at) => (Math.abs(at - 100) < 0.1 || Math.abs(at - 110) < 0.1 ? 2500 : undefined)));
    expect(lonely).toMatchObject({ count: 2, slow: 2, largest: 1 });
    expect(
      episodes(
        schedule(1, (at) => (Math.abs(at - 100) < 0.1 || Math.abs(at - 110) < 0.1 ? 2500 : undefined)),
        2,
        20,
      ).count,
    ).toBe(1);
    expect(episodes(schedule(1, () => undefined))).toEqual({ count: 0, perSecond: 0, slow: 0, largest: 0 });
    expect(episodes([])).toEqual({ count: 0, perSecond: 0, slow: 0, largest: 0 });
  });

  it('reads a dump and names the file and line it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'episodes-'));
    try {
      const good = join(dir, 'good.txt');
      writeFileSync(good, '1796153468888.261000 412\n1796153468888.661000 2950\n');
      expect(readDump(good)).toEqual([
        { at: 1796153468888.261, latencyUs: 412 },
        { at: 1796153468888.661, latencyUs: 2950 },
      ]);
      const bad = join(dir, 'bad.txt');
      writeFileSync(bad, '1796153468888.261000 412\nhello\n');
      expect(() => readDump(bad)).toThrow(`${bad}: not a pace --dump line: 'hello'`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
