/**
 * `strangler sync`'s public API: change data capture from PostgreSQL (sync/source), the table
 * mapping (pure), the Postgres sink with its checkpoint, the runner that joins them, and verify.
 */
export {
  formatLsn,
  parseLsn,
  type ChangeEvent,
  type ChangeSink,
  type ChangeSource,
  type Lsn,
  type Relation,
  type Row,
  type SourceTransaction,
} from './change.js';
export { loadSyncConfig, parseSyncConfig, resolveUrls, type SyncUrls } from './config/load.js';
export {
  syncConfigSchema,
  syncConfigShape,
  tableMappingShape,
  type SchemaChangePolicy,
  type SyncConfig,
  type TableMapping,
} from './config/schema.js';
export { compileTablePlan, type TablePlan, type TargetTable } from './mapping/compile.js';
export { toOperations, type TargetOperation } from './mapping/operations.js';
export { PgSink, type PgSinkOptions, type SnapshotChunk } from './sink/pg-sink.js';
export { readCheckpoint, readSnapshotProgress, clearBookkeeping, type CheckpointRow, type SnapshotProgress } from './sink/bookkeeping.js';
export { SyncRunner, type RunnerOptions, type OpenContext, type BatchingOptions } from './runner/runner.js';
export {
  transition,
  initialMachine,
  backoffDelay,
  type RunnerState,
  type RunnerEvent,
  type RunnerMachine,
} from './runner/state-machine.js';
export { SyncMetrics, serveMetrics, type MetricsServer } from './runner/metrics.js';
export { startSync, type StartSyncOptions, type SyncHandle } from './runner/pg-sync.js';
export { verifySync, type VerifyOptions, type VerifyReport, type TableVerification } from './verify/verify.js';
export { renderVerifySummary } from './verify/summary.js';
export { syncPlanForCandidate } from './plan.js';
export * from './debezium/index.js';
