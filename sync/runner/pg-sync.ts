/**
 * The sync between two PostgreSQL databases, as `strangler sync` runs it: validates the source
 * and ensures its publication, copies the tables once (exported snapshot, resumable by chunk),
 * then streams from the slot into a PgSink through the SyncRunner, with metrics and lag.
 */
import pg from 'pg';
import { messageOf } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ChangeSource, Relation } from '../change.js';
import { splitTableName, type SyncUrls } from '../config/load.js';
import type { SyncConfig } from '../config/schema.js';
import { PgSink } from '../sink/pg-sink.js';
import { openSnapshot, PgChangeSource, readSlotLag, setupSource, type SnapshotProgress } from '../source/index.js';
import { SyncMetrics } from './metrics.js';
import { startPipeline, type PipelineHandle } from './pipeline.js';
import { copySnapshot } from './snapshot-copy.js';
import type { OpenContext } from './runner.js';

export interface StartSyncOptions {
  config: Readonly<SyncConfig>;
  urls: SyncUrls;
  logger?: Logger;
  /** Overrides metrics.listen (e.g. `127.0.0.1:0` in tests). */
  metricsListen?: string;
  /** Rows per chunk of the initial copy; overrides the config's `snapshot.chunkRows` (e.g. in tests). */
  snapshotChunkRows?: number;
  /** How often slot lag is read from the source (default 5 s). */
  lagIntervalMs?: number;
  /**
   * A source transaction larger than this many changes is applied in parts while it is still
   * being received, in one target transaction committed at its end (default 5,000; 0: whole
   * transactions only).
   */
  partChanges?: number;
  /** Changes received and not yet applied at most, before reading from the source pauses (default 200,000). */
  highWaterEvents?: number;
}

export type SyncHandle = PipelineHandle<PgSink>;

export function sourceTables(config: Readonly<SyncConfig>): Array<{ schema: string; table: string }> {
  return config.tables.map((mapping) => splitTableName(mapping.source));
}

export async function startSync(options: StartSyncOptions): Promise<SyncHandle> {
  const { config, urls } = options;
  const logger = options.logger ?? silentLogger;
  const connection: pg.ClientConfig = { connectionString: urls.sourceUrl, connectionTimeoutMillis: 10_000 };
  const metrics = new SyncMetrics();
  const tables = sourceTables(config);
  const partChanges = options.partChanges ?? 5_000;

  const sourceTypes = new SourceCatalog(connection);
  const sink = new PgSink({
    url: urls.targetUrl,
    slot: config.slot,
    mappings: config.tables,
    schemaChange: config.schemaChange,
    replicationRole: config.target.replicationRole,
    sourceColumnType: (relation, column) => sourceTypes.columnType(relation, column),
    logger: logger.child({ part: 'sink' }),
  });

  let current: PgChangeSource | undefined;
  const openSource = async (context: OpenContext): Promise<ChangeSource> => {
    const setup = await setupSource({ connection, slot: config.slot, publication: config.publication, tables });
    let checkpoint = context.checkpoint;
    if (!setup.slot.exists && checkpoint !== undefined) {
      logger.warn('the slot is gone but the target holds a checkpoint of it: copying the tables again', { slot: config.slot });
      await sink.resetBookkeeping();
      checkpoint = undefined;
    }
    if (!setup.slot.exists) await sink.resetBookkeeping();
    if (checkpoint === undefined) {
      context.snapshotStarted();
      const progress: SnapshotProgress = {};
      if (setup.slot.exists) {
        for (const entry of await sink.snapshotProgress()) {
          progress[entry.table] = { done: entry.done, ...(entry.lastKey ? { afterKey: entry.lastKey } : {}) };
        }
      }
      const snapshot = await openSnapshot({
        connection,
        slot: config.slot,
        tables,
        chunkRows: options.snapshotChunkRows ?? config.snapshot.chunkRows,
      });
      logger.info('initial copy', { mode: snapshot.mode, tables: snapshot.tables.map((table) => table.name) });
      try {
        const copied = await copySnapshot(snapshot, sink, progress, {
          onRows: (rows) => (metrics.snapshotRows += rows),
          stopping: () => context.stopping(),
        });
        if (copied.passThrough.length > 0) logger.debug('initial copy passed COPY text through', { tables: copied.passThrough });
        await sink.completeSnapshot(snapshot.consistentLsn, 0, snapshot.overlapUntil);
      } finally {
        await snapshot.close().catch(() => undefined);
      }
      checkpoint = snapshot.consistentLsn;
      logger.info('initial copy done', { rows: metrics.snapshotRows });
    }
    const source = new PgChangeSource({
      connection,
      slot: config.slot,
      publication: config.publication,
      startLsn: checkpoint,
      heartbeatIntervalMs: config.heartbeat,
      ...(partChanges > 0 ? { partChanges } : {}),
      ...(options.highWaterEvents !== undefined ? { highWaterEvents: options.highWaterEvents } : {}),
      logger: logger.child({ part: 'source' }),
    });
    try {
      await source.start();
    } catch (error) {
      await source.stop().catch(() => undefined);
      throw error;
    }
    current = source;
    return source;
  };

  const lag = new LagWatcher(connection, config, metrics, logger, () => current);
  const lagTimer = setInterval(() => void lag.poll(), options.lagIntervalMs ?? 5_000);
  return startPipeline({
    config,
    sink,
    openSource,
    logger,
    metrics,
    metricsListen: options.metricsListen,
    onEnd: async () => {
      clearInterval(lagTimer);
      await lag.close();
      await sourceTypes.close();
    },
  });
}

/** Exact source column types (format_type with the modifier) for schemaChange: add-column. */
class SourceCatalog {
  private client: pg.Client | undefined;
  constructor(private readonly connection: pg.ClientConfig) {}

  async columnType(relation: Relation, column: string): Promise<{ type: string; existingRowsValue: string | null }> {
    if (!this.client) {
      const client = new pg.Client(this.connection);
      client.on('error', () => (this.client = undefined));
      await client.connect();
      this.client = client;
    }
    const result = await this.client.query<{ type: string; missing: string | null }>(
      `SELECT format_type(atttypid, atttypmod) AS type, CASE WHEN atthasmissing THEN attmissingval::text END AS missing
         FROM pg_attribute WHERE attrelid = $1 AND attname = $2 AND NOT attisdropped`,
      [relation.oid, column],
    );
    const row = result.rows[0];
    if (row === undefined) throw new Error(`source column ${relation.schema}.${relation.table}.${column} not found`);
    let existingRowsValue: string | null = null;
    if (row.missing !== null) {
      // attmissingval is a one-element array of the column's type: read its element as text.
      const element = await this.client.query<{ value: string | null }>(`SELECT ($1::text::${row.type}[])[1]::text AS value`, [
        row.missing,
      ]);
      existingRowsValue = element.rows[0]?.value ?? null;
    }
    return { type: row.type, existingRowsValue };
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}

/** Reads slot lag (bytes) from the source, and lag seconds from the stream; warns above the thresholds. */
class LagWatcher {
  private client: pg.Client | undefined;
  private busy = false;
  private warned = false;

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly config: Readonly<SyncConfig>,
    private readonly metrics: SyncMetrics,
    private readonly logger: Logger,
    private readonly source: () => PgChangeSource | undefined,
  ) {}

  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const seconds = this.source()?.lagSeconds() ?? 0;
      this.metrics.lagSeconds = seconds;
      if (!this.client) {
        const client = new pg.Client(this.connection);
        client.on('error', () => (this.client = undefined));
        await client.connect();
        this.client = client;
      }
      const lag = await readSlotLag(this.client, this.config.slot);
      this.metrics.lagBytes = lag.bytes;
      const over = lag.bytes > this.config.lagWarning.bytes || seconds * 1000 > this.config.lagWarning.seconds;
      if (over && !this.warned)
        this.logger.warn('sync lag above the warning threshold', { lagBytes: lag.bytes, lagSeconds: seconds, slot: this.config.slot });
      this.warned = over;
    } catch (error) {
      this.logger.debug('lag poll failed', { error: messageOf(error) });
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
