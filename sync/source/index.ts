/** The capture side of `strangler sync`: PostgreSQL logical replication (pgoutput) as a ChangeSource. */
export { PgChangeSource, HEARTBEAT_PREFIX, type PgChangeSourceOptions, type SourceStats } from './pg-change-source.js';
export {
  openSnapshot,
  type OpenedSnapshot,
  type SnapshotBatch,
  type SnapshotOptions,
  type SnapshotProgress,
  type SnapshotTableReader,
} from './snapshot.js';
export {
  checkReplicationRole,
  checkWalLevel,
  createSlot,
  dropSlotAndPublication,
  ensurePublication,
  queryPublication,
  readSlotLag,
  setupSource,
  validateSource,
  type DropOptions,
  type PublicationState,
  type SetupOptions,
  type SetupResult,
  type SlotLag,
} from './setup.js';
export { assertSlotUsable, querySlot, readSlot, type SlotState } from './slot-state.js';
export { describeTable, parseTableName, qualified, quoteIdent, type TableInfo, type TableName } from './catalog.js';
export type { ConnectionOptions } from './replication-connection.js';
