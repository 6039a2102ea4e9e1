/**
 * The order in which to strangle the candidates out of the monolith: repeatedly the one
 * that the fewest candidates still in the monolith depend on (so extracting it breaks the
 * fewest callers), then the one touching the fewest shared tables (the fewest tables the
 * data sync must carry), then fewer inbound imports, then the smaller one.
 */
import type { Candidate, ExtractionStep, SharedTable } from '../model.js';

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

export function extractionOrder(candidates: readonly Candidate[], sharedTables: readonly SharedTable[]): ExtractionStep[] {
  const remaining = new Set(candidates.map((candidate) => candidate.id));
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const shared = new Map(
    candidates.map((candidate) => [
      candidate.id,
      sharedTables
        .filter((table) => table.writers.includes(candidate.id) || table.readers.includes(candidate.id))
        .map((table) => table.table),
    ]),
  );
  const steps: ExtractionStep[] = [];
  while (remaining.size > 0) {
    const ranked = [...remaining]
      .map((id) => {
        const callers = candidates.filter(
          (other) => other.id !== id && remaining.has(other.id) && other.dependsOn.some((d) => d.candidate === id),
        );
        const imports = callers.reduce((sum, other) => sum + (other.dependsOn.find((d) => d.candidate === id)?.edges ?? 0), 0);
        return { id, callers, imports, tables: shared.get(id) ?? [], files: byId.get(id)?.metrics.files ?? 0 };
      })
      .sort(
        (a, b) =>
          a.callers.length - b.callers.length ||
          a.tables.length - b.tables.length ||
          a.imports - b.imports ||
          a.files - b.files ||
          (a.id < b.id ? -1 : 1),
      );
    const next = ranked[0];
    if (!next) break;
    const callers =
      next.callers.length === 0
        ? 'no candidate still in the monolith depends on it'
        : `${plural(next.callers.length, 'candidate')} still in the monolith ${next.callers.length === 1 ? 'depends' : 'depend'} on it (${next.callers.map((c) => c.id).join(', ')}; ${plural(next.imports, 'import')})`;
    const tables =
      next.tables.length === 0
        ? 'it shares no table with another candidate'
        : `it shares ${plural(next.tables.length, 'table')} (${next.tables.join(', ')})`;
    const left = remaining.size - 1;
    steps.push({
      candidate: next.id,
      reason: `Step ${steps.length + 1}: ${callers}; ${tables}; ${plural(next.files, 'file')}. ${left === 0 ? 'Last one left.' : `${plural(left, 'candidate')} after it.`}`,
    });
    remaining.delete(next.id);
  }
  return steps;
}
