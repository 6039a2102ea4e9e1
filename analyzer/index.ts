/**
 * The analyzer's public API: `analyzeProject(root, options)` is `strangler analyze` as a
 * library call (collect -> boundaries -> analysis.json); the stages are exported for tools
 * that want one of them.
 */
export { analyzeProject, loadExpectedBoundaries, type AnalyzeOptions, type AnalyzeProgress } from './analyze-project.js';
export { collectProject, type CollectOptions, type CollectProgress, type CollectedProject } from './collect-project.js';
export { buildAnalysis, type AnalysisMeta } from './build-analysis.js';
export { readExpectedBoundaries } from './expected-boundaries.js';
export type * from './model.js';
