/**
 * The analyzer's extract stage: from a directory on disk to the import graph.
 * `extractProject(root, options, collectors)` is the whole public API.
 */
export { extractProject } from './extract-project.js';
export type { CollectorContext, ExtractOptions, ExtractProgress, ExtractResult, ExtractStats, FileCollector, ParsedFile } from './types.js';
export { globMatcher } from './glob.js';
