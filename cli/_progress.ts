/**
 * Progress of a long run on stderr: on a terminal one line rewritten in place (at most every
 * 100 ms); elsewhere (CI logs) one line when a phase starts, and only once the run has taken
 * longer than a second, so short runs stay quiet.
 */
import type { CommandIO } from './_command.js';

export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}

const LABELS: Record<string, string> = {
  discover: 'finding source files',
  parse: 'parsing',
  resolve: 'resolving imports',
  git: 'reading git history',
  boundaries: 'proposing boundaries',
};

export function progressPrinter(
  io: CommandIO,
  now: () => number = () => performance.now(),
): {
  update(event: ProgressEvent): void;
  done(): void;
} {
  const started = now();
  let lastPhase = '';
  let lastDraw = 0;
  let drawn = false;
  const label = (phase: string): string => LABELS[phase] ?? phase;
  return {
    update(event) {
      const t = now();
      if (io.isTTY) {
        if (event.phase === lastPhase && t - lastDraw < 100 && event.done !== event.total) return;
        lastPhase = event.phase;
        lastDraw = t;
        const count = event.total > 1 ? ` ${event.done}/${event.total} files` : '';
        io.stderr(`\r\u001b[2K${label(event.phase)}${count} (${((t - started) / 1000).toFixed(1)} s)`);
        drawn = true;
        return;
      }
      if (event.phase === lastPhase || t - started < 1000) {
        lastPhase = event.phase;
        return;
      }
      lastPhase = event.phase;
      io.stderr(`${label(event.phase)}${event.total > 1 ? ` (${event.total} files)` : ''}… ${((t - started) / 1000).toFixed(1)} s\n`);
    },
    done() {
      if (drawn) io.stderr('\r\u001b[2K');
    },
  };
}
