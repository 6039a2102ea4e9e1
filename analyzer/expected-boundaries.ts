/**
 * Reads an expected decomposition (`--compare <expected.json>`): the shape of
 * fixtures/shop-monolith/expected-boundaries.json. Checked field by field so a typo in a
 * hand-written file gets a message that points at it.
 */
import { StranglerError } from '../common/errors.js';
import type { ExpectedBoundaries } from './model.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function bad(source: string, problem: string): StranglerError {
  return new StranglerError(
    'ANALYZE_BAD_EXPECTED',
    `${source}: ${problem}. An expected decomposition is {"candidates": [{"id": "catalog", "modules": ["src/catalog/a.ts", …]}, …], "sharedKernel": [ … ]} with paths relative to the analyzed directory.`,
  );
}

export function readExpectedBoundaries(value: unknown, source: string): ExpectedBoundaries {
  if (!isObject(value)) throw bad(source, 'the file is not a JSON object');
  if (!Array.isArray(value.candidates)) throw bad(source, '"candidates" must be a list');
  const candidates: ExpectedBoundaries['candidates'] = value.candidates.map((candidate: unknown, index) => {
    if (!isObject(candidate)) throw bad(source, `candidates[${index}] must be an object`);
    if (typeof candidate.id !== 'string' || candidate.id === '') throw bad(source, `candidates[${index}].id must be a non-empty string`);
    if (!isStringList(candidate.modules)) throw bad(source, `candidates[${index}].modules must be a list of file paths`);
    const out: ExpectedBoundaries['candidates'][number] = { id: candidate.id, modules: candidate.modules };
    if (typeof candidate.name === 'string') out.name = candidate.name;
    if (isStringList(candidate.tables)) out.tables = candidate.tables;
    if (isStringList(candidate.routes)) out.routes = candidate.routes;
    return out;
  });
  const expected: ExpectedBoundaries = { candidates };
  if (value.sharedKernel !== undefined) {
    if (!isStringList(value.sharedKernel)) throw bad(source, '"sharedKernel" must be a list of file paths');
    expected.sharedKernel = value.sharedKernel;
  }
  if (typeof value.description === 'string') expected.description = value.description;
  const seen = new Map<string, string>();
  for (const candidate of candidates) {
    for (const path of candidate.modules) {
      const other = seen.get(path);
      if (other !== undefined) throw bad(source, `${path} is listed in both "${other}" and "${candidate.id}"`);
      seen.set(path, candidate.id);
    }
  }
  return expected;
}
