/**
 * Golden file: the Markdown report of the sample monolith, from a fresh analysis (no git,
 * fixed duration and version so the text is stable). When the analyzer or the renderer
 * changes on purpose, look at the diff, then refresh with
 *   UPDATE_GOLDEN=1 npx vitest run --project unit test/reports/markdown-golden.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeProject } from '../../analyzer/analyze-project.js';
import { renderMarkdown } from '../../reports/markdown.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GOLDEN = join(import.meta.dirname, '__golden__', 'shop-monolith.report.md');

describe('Markdown report of the sample monolith', () => {
  it('matches the golden file', async () => {
    const analysis = await analyzeProject(join(ROOT, 'fixtures', 'shop-monolith'), { git: false });
    analysis.root = 'fixtures/shop-monolith';
    analysis.tool = { name: 'strangler', version: '0.0.0-golden' };
    analysis.stats.durationMs = 1234;
    const markdown = renderMarkdown(analysis);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(markdown).toContain('```mermaid');
    expect(markdown).toMatch(/\| `products` \|/);
  });
});
