/**
 * Wiring, without touching the runner: `startDebeziumIngest` is SyncRunner + PgSink +
 * DebeziumHttpSource (Debezium Server's HTTP sink in, the service's tables out, the same
 * checkpoint table and mapping as `strangler sync`); `startDebeziumNatsIngest` is the same with
 * DebeziumNatsSource (a JetStream stream of Debezium events in); `startNatsPublisher` is a second pipeline
 * PgChangeSource -> NatsJetStreamPublisher on its own slot (`publish.nats.slot`, default
 * `<slot>_nats`), which publishes the changes committed after its slot was created.
 */
import type pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ChangeSource } from '../change.js';
import type { SyncConfig } from '../config/schema.js';
import { sourceTables } from '../runner/pg-sync.js';
import { startPipeline, type PipelineHandle } from '../runner/pipeline.js';
import type { OpenContext } from '../runner/runner.js';
import { builtinTypeName } from '../mapping/source-types.js';
import { PgSink } from '../sink/pg-sink.js';
import type { SourceColumnType } from '../sink/planner.js';
import { createSlot, PgChangeSource, setupSource } from '../source/index.js';
import { DebeziumHttpSource } from './http-source.js';
import { NatsJetStreamPublisher } from './nats-publisher.js';
import { checkStream, connectNats, DebeziumNatsSource, watchConnection } from './nats-source.js';

export type { PipelineHandle };

export interface DebeziumIngestHandle extends PipelineHandle<PgSink> {
  /** `http://host:port/`: where Debezium Server's HTTP sink should POST. */
  readonly url: string;
  /** The listener of the current session. */
  readonly source: () => DebeziumHttpSource | undefined;
}

export interface StartDebeziumIngestOptions {
  config: Readonly<SyncConfig>;
  /** Only the target: the source is Debezium. */
  urls: { readonly targetUrl: string };
  /** Where `debezium.tokenEnv` is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides debezium.listen (e.g. `127.0.0.1:0` in tests). */
  listen?: string;
  /** Overrides metrics.listen. */
  metricsListen?: string;
  logger?: Logger;
}

export async function startDebeziumIngest(options: StartDebeziumIngestOptions): Promise<DebeziumIngestHandle> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const debezium = config.debezium;
  let token: string | undefined;
  if (debezium?.tokenEnv !== undefined) {
    token = (options.env ?? process.env)[debezium.tokenEnv];
    if (token === undefined || token === '')
      throw new StranglerError(
        'CONFIG_ENV_MISSING',
        `debezium.tokenEnv names the environment variable ${debezium.tokenEnv}, which is not set. Set it to the bearer token the sender puts in its Authorization header.`,
      );
  }
  if (debezium?.nats)
    throw new StranglerError('CONFIG_INVALID', 'debezium.nats is set: the events come from JetStream (startDebeziumNatsIngest), not HTTP.');
  const sink = targetSink(config, options.urls.targetUrl, logger);
  let current: DebeziumHttpSource | undefined;
  let listening: (url: string) => void = () => undefined;
  const firstUrl = new Promise<string>((resolve) => (listening = resolve));
  const openSource = async (context: OpenContext): Promise<ChangeSource> => {
    current = await DebeziumHttpSource.listen({
      listen: options.listen ?? debezium?.listen ?? '127.0.0.1:8083',
      quietMs: debezium?.quietPeriod ?? 20,
      ...(debezium ? { placeholder: debezium.placeholder } : {}),
      ...(token !== undefined ? { token } : {}),
      ...(context.checkpoint !== undefined ? { appliedThrough: context.checkpoint } : {}),
      logger: logger.child({ part: 'debezium' }),
    });
    listening(current.url);
    return current;
  };
  const pipeline = await startPipeline({ config, sink, openSource, logger, metricsListen: options.metricsListen });
  const url = await Promise.race([firstUrl, pipeline.done.then(() => undefined)]);
  if (url === undefined) throw new StranglerError('SYNC_DEBEZIUM_LISTEN', 'The Debezium listener did not start.');
  return { ...pipeline, url, source: () => current };
}

export interface DebeziumNatsIngestHandle extends PipelineHandle<PgSink> {
  readonly stream: string;
  readonly durable: string;
  /** The consumer of the current session. */
  readonly source: () => DebeziumNatsSource | undefined;
}

export interface StartDebeziumNatsIngestOptions {
  config: Readonly<SyncConfig>;
  /** Only the target: the source is a JetStream stream (debezium.nats). */
  urls: { readonly targetUrl: string };
  /** Overrides metrics.listen. */
  metricsListen?: string;
  logger?: Logger;
}

/** `debezium.nats`: a durable pull consumer of the stream -> PgSink, acknowledging after the target commit. */
export async function startDebeziumNatsIngest(options: StartDebeziumNatsIngestOptions): Promise<DebeziumNatsIngestHandle> {
  const { config } = options;
  const debezium = config.debezium;
  const nats = debezium?.nats;
  if (!debezium || !nats) throw new StranglerError('CONFIG_INVALID', 'debezium.nats is not set in the config: give its url and stream.');
  const logger = options.logger ?? silentLogger;
  const durable = nats.durable ?? `strangler_${config.slot}`;
  const connection = await connectNats(nats.url);
  try {
    await checkStream(connection, nats.url, nats.stream);
  } catch (error) {
    await connection.close();
    throw error;
  }
  let current: DebeziumNatsSource | undefined;
  watchConnection(connection, (error) => current?.lost(error));
  const openSource = async (context: OpenContext): Promise<ChangeSource> => {
    current = await DebeziumNatsSource.open({
      connection,
      url: nats.url,
      stream: nats.stream,
      durable,
      ...(nats.subjects ? { subjects: nats.subjects } : {}),
      batch: nats.batch,
      ackWaitMs: nats.ackWait,
      quietMs: debezium.quietPeriod,
      placeholder: debezium.placeholder,
      ...(context.checkpoint !== undefined ? { appliedThrough: context.checkpoint } : {}),
      logger: logger.child({ part: 'nats' }),
    });
    return current;
  };
  const pipeline = await startPipeline({
    config,
    sink: targetSink(config, options.urls.targetUrl, logger),
    openSource,
    logger,
    metricsListen: options.metricsListen,
    onEnd: async () => {
      // Drain flushes the last acknowledgements; a connection that is down closes at once.
      const drained = connection.isClosed() ? Promise.resolve() : connection.drain().catch(() => undefined);
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
      if (!connection.isClosed()) await connection.close().catch(() => undefined);
    },
  });
  return { ...pipeline, stream: nats.stream, durable, source: () => current };
}

function targetSink(config: Readonly<SyncConfig>, targetUrl: string, logger: Logger): PgSink {
  return new PgSink({
    url: targetUrl,
    slot: config.slot,
    mappings: config.tables,
    schemaChange: config.schemaChange,
    replicationRole: config.target.replicationRole,
    sourceColumnType: connectColumnType,
    logger: logger.child({ part: 'sink' }),
  });
}

/**
 * The type `schemaChange: add-column` gives a new column, from the event's Kafka Connect schema
 * (a string becomes text, an int64 bigint, a Decimal numeric, a MicroTimestamp timestamp).
 * Debezium does not say what the rows that exist hold in it, so they get NULL there until
 * they change (verify lists them).
 */
const connectColumnType: SourceColumnType = (relation, column) => {
  const typeOid = relation.columns.find((item) => item.name === column)?.typeOid;
  const type = relation.typesFrom === 'connect' && typeOid !== undefined ? builtinTypeName(typeOid) : undefined;
  if (type === undefined)
    return Promise.reject(
      new StranglerError(
        'SYNC_SCHEMA_CHANGED',
        `Cannot add column ${column} of ${relation.schema}.${relation.table} to the target: the Debezium events carry no schema, so its type is unknown. ` +
          'Add the column to the target yourself (or exclude it in the mapping), or send events with schemas (schemas.enable=true), then start the sync again. Nothing past this change was applied.',
        { details: { table: `${relation.schema}.${relation.table}`, columns: [column] } },
      ),
    );
  return Promise.resolve({ type, existingRowsValue: null });
};

export interface StartNatsPublisherOptions {
  config: Readonly<SyncConfig>;
  urls: { readonly sourceUrl: string };
  logger?: Logger;
  metricsListen?: string;
}

export async function startNatsPublisher(options: StartNatsPublisherOptions): Promise<PipelineHandle<NatsJetStreamPublisher>> {
  const { config } = options;
  const nats = config.publish?.nats;
  if (!nats) throw new StranglerError('CONFIG_INVALID', 'publish.nats is not set in the config: give url, stream and subjectPrefix.');
  const logger = options.logger ?? silentLogger;
  const slot = nats.slot ?? `${config.slot}_nats`;
  const connection: pg.ClientConfig = { connectionString: options.urls.sourceUrl, connectionTimeoutMillis: 10_000 };
  const tables = sourceTables(config);
  const sink = await NatsJetStreamPublisher.connect({
    url: nats.url,
    stream: nats.stream,
    subjectPrefix: nats.subjectPrefix,
    name: slot,
    bucket: nats.bucket,
    duplicateWindowMs: nats.duplicateWindow,
    schemas: nats.schemas,
    logger: logger.child({ part: 'nats' }),
  });
  const openSource = async (context: OpenContext): Promise<ChangeSource> => {
    const setup = await setupSource({ connection, slot, publication: config.publication, tables });
    // A new slot starts at its consistent point: what commits from then on is published.
    const start = setup.slot.exists ? context.checkpoint : await createSlot(connection, slot);
    const source = new PgChangeSource({
      connection,
      slot,
      publication: config.publication,
      ...(start !== undefined ? { startLsn: start } : {}),
      heartbeatIntervalMs: config.heartbeat,
      logger: logger.child({ part: 'source' }),
    });
    try {
      await source.start();
    } catch (error) {
      await source.stop().catch(() => undefined);
      throw error;
    }
    return source;
  };
  return startPipeline({ config, sink, openSource, logger, metricsListen: options.metricsListen, serveMetrics: false });
}
