import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readAnalysis, type AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { messageOf, StranglerError } from '../common/errors.js';

/** Reads and checks an analysis.json named on the command line (relative to the current folder). */
export async function readAnalysisFile(cwd: string, file: string): Promise<AnalysisV1> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(resolve(cwd, file), 'utf8')) as unknown;
  } catch (cause) {
    throw new StranglerError(
      'ANALYSIS_UNREADABLE',
      `Cannot read ${file} as JSON: ${messageOf(cause)}. Give the analysis.json written by \`strangler analyze\`.`,
      { cause },
    );
  }
  return readAnalysis(parsed, file);
}
