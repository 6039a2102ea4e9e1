import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';

/** Writes analysis.json and every report format into `outDir`; returns the file to point a person at (the HTML report). */
export async function writeReports(outDir: string, analysis: AnalysisV1): Promise<string> {
  const { REPORTERS } = await import('../reports/index.js');
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const reporter of Object.values(REPORTERS)) {
    const path = join(outDir, reporter.fileName);
    await writeFile(path, reporter.render(analysis));
    written.push(path);
  }
  return written.find((path) => path.endsWith('.html')) ?? written.find((path) => path.endsWith('.md')) ?? outDir;
}
