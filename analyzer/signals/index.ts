/**
 * Signals that couple code beyond imports: HTTP entry points, database tables and git
 * co-change. The route and table collectors plug into the extract stage's single parse
 * (`FileCollector`); co-change reads `git log`.
 */
export type { CollectorContext, FileCollector, ParsedFile } from './collector.js';
export { createRouteCollector, type RouteCollector } from './routes/route-collector.js';
export { createTableCollector, type TableCollector } from './tables/table-collector.js';
export { collectGitCoChange, type CoChangeOptions, type CoChangeResult } from './git/co-change.js';
export { scanSql, type SqlScan, type SqlTableRef } from './tables/sql-scanner.js';
