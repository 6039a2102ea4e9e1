/** The collector seam, shared with the extract stage (analyzer/collector.ts). */
export type { CollectorContext, FileCollector, ParsedFile } from '../collector.js';
