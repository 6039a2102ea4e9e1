/**
 * `NatsJetStreamPublisher`: a ChangeSink that publishes every change as a Debezium JSON message
 * to NATS JetStream, subject `<subjectPrefix>.<schema>.<table>`, with the header
 * `Nats-Msg-Id: <commitLsn>:<txId>:<index>`. JetStream drops a message whose id it saw within
 * the stream's duplicate window (NATS docs, "JetStream / Model Deep Dive", Message
 * Deduplication: https://docs.nats.io/using-nats/developer/develop_jetstream/model_deep_dive#message-deduplication),
 * so a transaction published again after a crash is stored once.
 *
 * Checkpoint: after every message of a batch is acknowledged by the stream (PubAck), the last
 * commit LSN goes to a JetStream KV bucket (key `<stream>.<name>`), so a restart skips what was
 * published; a crash between the publish and the KV write re-publishes, and the ids drop it.
 * The stream is created when missing (subjects `<subjectPrefix>.>`).
 */
import { connect, headers, nanos, type JetStreamClient, type KV, type NatsConnection, type PubAck } from 'nats';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { formatLsn, parseLsn, type ChangeSink, type Lsn, type SourceTransaction } from '../change.js';
import { encodeTransaction } from './encode.js';

export interface NatsPublisherOptions {
  /** nats://host:port (or host:port). */
  url: string;
  /** JetStream stream name; created with subjects `<subjectPrefix>.>` when missing. */
  stream: string;
  subjectPrefix: string;
  /** Names this publisher's checkpoint (e.g. the slot). */
  name: string;
  /** KV bucket holding checkpoints (default `strangler_sync`). */
  bucket?: string;
  /** Duplicate window of a stream this creates, ms (default 2 minutes, JetStream's default). */
  duplicateWindowMs?: number;
  /** Wrap each message in {schema, payload} (default false). */
  schemas?: boolean;
  /** source.name in the messages (default the subject prefix). */
  topicPrefix?: string;
  logger?: Logger;
}

const WINDOW = 256;
const encoder = new TextEncoder();

/** Subject tokens may not hold `.`, `*`, `>` or whitespace. */
const token = (text: string): string => text.replace(/[.*>\s]/g, '_');

export class NatsJetStreamPublisher implements ChangeSink {
  private known: Lsn | undefined;
  private loaded = false;
  private readonly logger: Logger;
  readonly stats = { published: 0, duplicates: 0, skipped: 0 };

  private constructor(
    private readonly options: NatsPublisherOptions,
    private readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly kv: KV,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  static async connect(options: NatsPublisherOptions): Promise<NatsJetStreamPublisher> {
    let connection: NatsConnection;
    try {
      connection = await connect({ servers: options.url, timeout: 5_000 });
    } catch (error) {
      throw new StranglerError(
        'SYNC_NATS_UNREACHABLE',
        `Cannot connect to NATS at ${options.url}: ${messageOf(error)}. Start the NATS server (with JetStream: nats-server -js) or fix publish.nats.url.`,
        { cause: error },
      );
    }
    try {
      const manager = await connection.jetstreamManager();
      const subjects = [`${options.subjectPrefix}.>`];
      try {
        await manager.streams.info(options.stream);
      } catch {
        await manager.streams.add({ name: options.stream, subjects, duplicate_window: nanos(options.duplicateWindowMs ?? 120_000) });
      }
      const js = connection.jetstream();
      const kv = await js.views.kv(options.bucket ?? 'strangler_sync', { history: 1 });
      return new NatsJetStreamPublisher(options, connection, js, kv);
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw new StranglerError(
        'SYNC_NATS_FAILED',
        `NATS at ${options.url} refused the JetStream setup (stream ${options.stream}): ${messageOf(error)}. Is JetStream enabled (nats-server -js)?`,
        { cause: error },
      );
    }
  }

  private get key(): string {
    return `${token(this.options.stream)}.${token(this.options.name)}`;
  }

  async checkpoint(): Promise<Lsn | undefined> {
    if (!this.loaded) {
      const entry = await this.kv.get(this.key).catch((error: unknown) => {
        throw unreachable(this.options.url, error);
      });
      this.known = entry && entry.operation === 'PUT' && entry.length > 0 ? parseLsn(entry.string()) : undefined;
      this.loaded = true;
    }
    return this.known;
  }

  async apply(transactions: readonly SourceTransaction[]): Promise<Lsn | undefined> {
    const checkpoint = await this.checkpoint();
    let next = checkpoint;
    const inFlight: Array<Promise<PubAck>> = [];
    try {
      for (const tx of transactions) {
        if (checkpoint !== undefined && tx.commitLsn <= checkpoint) {
          this.stats.skipped++;
          continue;
        }
        for (const message of encodeTransaction(tx, {
          topicPrefix: this.options.topicPrefix ?? this.options.subjectPrefix,
          ...(this.options.schemas ? { schemas: true } : {}),
        })) {
          const subject = `${this.options.subjectPrefix}.${token(message.subjectTable.schema)}.${token(message.subjectTable.table)}`;
          const header = headers();
          header.set('Strangler-Commit-Lsn', formatLsn(tx.commitLsn));
          // One connection keeps publish order; up to WINDOW PubAcks are awaited at once.
          inFlight.push(this.js.publish(subject, encoder.encode(message.json), { msgID: message.id, headers: header }));
          if (inFlight.length >= WINDOW) this.count(await Promise.all(inFlight.splice(0)));
        }
        if (next === undefined || tx.commitLsn > next) next = tx.commitLsn;
      }
      this.count(await Promise.all(inFlight.splice(0)));
      if (next !== undefined && next !== checkpoint) await this.kv.put(this.key, formatLsn(next));
    } catch (error) {
      this.loaded = false;
      await Promise.allSettled(inFlight);
      throw unreachable(this.options.url, error);
    }
    this.known = next;
    this.logger.debug('published', { transactions: transactions.length, checkpoint: next === undefined ? null : formatLsn(next) });
    return next;
  }

  private count(acks: readonly PubAck[]): void {
    for (const ack of acks) {
      if (ack.duplicate) this.stats.duplicates++;
      else this.stats.published++;
    }
  }

  async close(): Promise<void> {
    if (this.connection.isClosed()) return;
    await this.connection.drain().catch(() => this.connection.close());
  }
}

function unreachable(url: string, error: unknown): StranglerError {
  return error instanceof StranglerError
    ? error
    : new StranglerError('SYNC_TARGET_UNREACHABLE', `Publishing to NATS at ${url} failed: ${messageOf(error)}`, { cause: error });
}
