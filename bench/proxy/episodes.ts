/**
 * Slow responses grouped into episodes, from pace's --dump. On a shared virtual machine the
 * tail of an open-loop run is made of episodes: nothing completes for a few milliseconds, then
 * the queue drains. Counting them per second of schedule, for the direct row as well, shows
 * how much of a p99 is the machine (the direct row has them too) and how much the hop adds.
 */
import { readFileSync } from 'node:fs';

/** One recorded response: when it was due (Unix epoch ms) and how long it took (µs). */
export interface DumpRow {
  at: number;
  latencyUs: number;
}

export function readDump(path: string): DumpRow[] {
  const rows: DumpRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const [at, latency] = line.split(' ').map(Number);
    if (at === undefined || latency === undefined || !Number.isFinite(at) || !Number.isFinite(latency))
      throw new Error(`${path}: not a pace --dump line: '${line}'`);
    rows.push({ at, latencyUs: latency });
  }
  return rows;
}

export interface Episodes {
  /** Episodes: runs of slow responses, each due within `joinMs` of the one before. */
  count: number;
  /** Episodes per second of the dump's schedule. */
  perSecond: number;
  /** Slow responses in all, and in the largest episode. */
  slow: number;
  largest: number;
}

/**
 * Groups the responses slower than `slowMs` (in the order they were due) into episodes: a slow
 * response due within `joinMs` of the previous slow one belongs to its episode.
 */
export function episodes(rows: readonly DumpRow[], slowMs = 2, joinMs = 2): Episodes {
  const slow = rows.filter((row) => row.latencyUs >= slowMs * 1000).sort((a, b) => a.at - b.at);
  let count = 0;
  let largest = 0;
  let size = 0;
  let last = -Infinity;
  for (const row of slow) {
    if (row.at - last > joinMs) {
      count++;
      size = 0;
    }
    size++;
    largest = Math.max(largest, size);
    last = row.at;
  }
  const first = rows.reduce((min, row) => Math.min(min, row.at), Infinity);
  const end = rows.reduce((max, row) => Math.max(max, row.at), -Infinity);
  const seconds = end > first ? (end - first) / 1000 : 0;
  return { count, perSecond: seconds > 0 ? Math.round((count / seconds) * 100) / 100 : 0, slow: slow.length, largest };
}
