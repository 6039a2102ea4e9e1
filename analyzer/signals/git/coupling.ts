/**
 * Logical (evolutionary) coupling from change sets, as Code Maat's `coupling` analysis
 * defines it (Adam Tornhill, "Your Code as a Crime Scene"; adamtornhill/code-maat):
 * for two modules a and b,
 *   shared = number of change sets (commits) that touch both,
 *   degree = shared / average(revisions of a, revisions of b)
 * (Code Maat prints the degree as a percentage; here it stays in [0, 1]). It is counted over
 * the change sets given: the caller drops commits larger than Code Maat's
 * max-changeset-size first. The same co-change signal is the logical coupling strategy of
 * Mazlami, Cito & Leitner's microservice extraction model (MEM, "Extraction of
 * Microservices from Monolithic Software Architectures", ICWS 2017), after Gall, Hajek &
 * Jazayeri, "Detection of Logical Coupling Based on Product Release History" (ICSM 1998).
 */
import type { CoChange } from '../../model.js';

export interface CouplingOptions {
  minShared: number;
  minDegree: number;
}

/** Coupled pairs, strongest first. Change sets hold paths; paths outside `modules` are ignored. */
export function logicalCoupling(changeSets: ReadonlyArray<ReadonlySet<string>>, options: CouplingOptions): CoChange[] {
  const revisions = new Map<string, number>();
  const shared = new Map<string, number>();
  for (const changeSet of changeSets) {
    const files = [...changeSet].sort();
    for (const file of files) revisions.set(file, (revisions.get(file) ?? 0) + 1);
    for (let i = 0; i < files.length; i++) {
      for (let j = i + 1; j < files.length; j++) {
        const key = `${files[i]}\u0000${files[j]}`;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  const pairs: CoChange[] = [];
  for (const [key, count] of shared) {
    if (count < options.minShared) continue;
    const [a = '', b = ''] = key.split('\u0000');
    const average = ((revisions.get(a) ?? 0) + (revisions.get(b) ?? 0)) / 2;
    const degree = average === 0 ? 0 : count / average;
    if (degree < options.minDegree) continue;
    pairs.push({ a, b, shared: count, degree });
  }
  return pairs.sort(
    (x, y) => y.degree - x.degree || y.shared - x.shared || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0),
  );
}
