/**
 * `DebeziumNatsSource`: a ChangeSource fed by a JetStream stream of Debezium change events
 * (Debezium Server's nats-jetstream sink, or our own NatsJetStreamPublisher), read through a
 * durable pull consumer with explicit acknowledgement (NATS docs, "JetStream / Consumers":
 * https://docs.nats.io/nats-concepts/jetstream/consumers).
 *
 * Messages are decoded by format.ts and grouped by grouping.ts, like the HTTP source's requests;
 * a message is acknowledged only after its part is committed in the target (the runner's
 * acknowledge), a redelivered one at or below what was applied at once without applying it.
 * While the target is down nothing is acknowledged: JetStream delivers the messages again after
 * `ackWaitMs`, and they join the ones still held.
 *
 * Order after a restart: JetStream redelivers a message an earlier session never acknowledged
 * only when its ack wait ran out, by then after newer ones, which would then count as applied.
 * So a session that finds such messages starts the durable again just after its ack floor
 * (delete and add, same name): they come first, in stream order, and the checkpoint skips what
 * was applied. One process per durable. A lost connection ends the session for the same reason.
 */
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  Events,
  nanos,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ChangeSource, Lsn, SourceTransaction } from '../change.js';
import { decodeDebeziumValue, DebeziumFormatError, RelationCache, type DecodedEvent } from './format.js';
import { TransactionGrouper, type Settlement } from './grouping.js';
import { isJsonObject, parseJson, type JsonValue } from './json.js';

export interface DebeziumNatsSourceOptions {
  /** Shared by the sessions of one pipeline (it reconnects by itself). */
  connection: NatsConnection;
  /** For messages only. */
  url: string;
  stream: string;
  durable: string;
  /** Subject filters (default: every subject of the stream). */
  subjects?: readonly string[];
  /** Messages per pull request (default 256). */
  batch?: number;
  /** JetStream's ack wait of the consumer, ms (default 30 s). */
  ackWaitMs?: number;
  /** ms without a new message after which open transactions are complete (default 20). */
  quietMs?: number;
  /** The sink's checkpoint. */
  appliedThrough?: Lsn;
  placeholder?: string;
  logger?: Logger;
}

const decoder = new TextDecoder();

export class DebeziumNatsSource implements ChangeSource {
  private readonly grouper: TransactionGrouper;
  private readonly relations = new RelationCache();
  private readonly logger: Logger;
  private messages: ConsumerMessages | undefined;
  private broken = false;
  private stopped = false;
  /**
   * Subject filters applied here, not by the server: several subjects on a server before 2.10
   * (one filter per consumer there), or a durable that exists without a filter. Undefined: the
   * consumer's own filter is the whole story.
   */
  private localFilters: readonly string[] | undefined;
  /** Counters for tests and logs (received: messages, redelivered among them; skipped: outside the subjects). */
  readonly stats = { received: 0, redelivered: 0, duplicates: 0, ignored: 0, applied: 0, skipped: 0 };

  private constructor(private readonly options: DebeziumNatsSourceOptions) {
    this.logger = options.logger ?? silentLogger;
    this.grouper = new TransactionGrouper({
      quietMs: options.quietMs ?? 20,
      ...(options.appliedThrough !== undefined ? { appliedThrough: options.appliedThrough } : {}),
      stats: this.stats,
    });
  }

  /** Makes sure the durable consumer is there (and starts at its ack floor), then consumes. */
  static async open(options: DebeziumNatsSourceOptions): Promise<DebeziumNatsSource> {
    const source = new DebeziumNatsSource(options);
    try {
      await source.ensureConsumer();
      const consumer = await options.connection.jetstream().consumers.get(options.stream, options.durable);
      source.messages = await consumer.consume({ max_messages: options.batch ?? 256 });
    } catch (error) {
      await source.stop();
      if (error instanceof StranglerError) throw error;
      if (apiError(error) !== undefined)
        throw new StranglerError(
          'SYNC_NATS_FAILED',
          `NATS at ${options.url} refused the consumer ${options.durable} of stream ${options.stream}: ${messageOf(error)}.`,
          { cause: error },
        );
      throw lost(options.url, error);
    }
    void source.pump(source.messages);
    source.logger.info('consuming Debezium events from JetStream', { stream: options.stream, durable: options.durable });
    return source;
  }

  private async ensureConsumer(): Promise<void> {
    const { stream, durable, connection } = this.options;
    const jsm = await connection.jetstreamManager();
    const subjects = this.options.subjects ?? [];
    // Before NATS 2.10 a consumer has one filter at most: several are applied here instead, to
    // a consumer of the whole stream (it reads what the others' subjects hold, and skips it).
    const serverFilters = subjects.length > 1 && !atLeast(connection.info?.version, 2, 10) ? [] : subjects;
    if (serverFilters.length < subjects.length) {
      this.localFilters = subjects;
      this.logger.warn(
        'NATS before 2.10 filters one subject per consumer: the consumer reads the whole stream and skips the other subjects',
        {
          stream,
          durable,
          version: connection.info?.version,
          subjects: subjects.join(', '),
        },
      );
    }
    const config: Partial<ConsumerConfig> = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
      max_deliver: -1,
      max_ack_pending: 4 * (this.options.batch ?? 256),
      ...(serverFilters.length === 1
        ? { filter_subject: serverFilters[0] as string }
        : serverFilters.length > 1
          ? { filter_subjects: [...serverFilters] }
          : {}),
    };
    let info: ConsumerInfo | undefined;
    try {
      info = await jsm.consumers.info(stream, durable);
    } catch (error) {
      if (apiError(error) === 10059) throw streamMissing(this.options.url, stream);
      if (apiError(error) !== 10014) throw error;
    }
    if (!info) {
      await jsm.consumers.add(stream, { ...config, deliver_policy: DeliverPolicy.All });
      this.logger.info('created the JetStream consumer', { stream, durable, subjects });
      return;
    }
    const have = info.config.filter_subjects ?? (info.config.filter_subject ? [info.config.filter_subject] : []);
    // A durable without a filter reads every subject: with the filters applied here it serves any subjects.
    if (have.length === 0 && subjects.length > 0) this.localFilters = subjects;
    const same = [...have].sort().join(' ') === [...serverFilters].sort().join(' ');
    if ((!same && have.length > 0) || info.config.ack_policy !== AckPolicy.Explicit)
      throw new StranglerError(
        'SYNC_NATS_CONSUMER_MISMATCH',
        `The JetStream consumer ${durable} of stream ${stream} exists with subjects ${have.join(', ') || '(all)'} and ack policy ${info.config.ack_policy}, not subjects ${subjects.join(', ') || '(all)'} with explicit acks. Delete it (nats consumer rm ${stream} ${durable}) or set debezium.nats.durable to another name.`,
      );
    if (info.num_ack_pending > 0) {
      // Delivered to an earlier session and never acknowledged: have them first, in order.
      const from = info.ack_floor.stream_seq + 1;
      await jsm.consumers.delete(stream, durable);
      await jsm.consumers.add(stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
      this.logger.info('restarted the JetStream consumer after its acknowledged messages', {
        stream,
        durable,
        from,
        unacknowledged: info.num_ack_pending,
      });
    }
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const message of messages) this.handle(message);
    } catch (error) {
      if (!this.stopped) this.grouper.fail(lost(this.options.url, error));
      return;
    }
    if (!this.stopped) this.grouper.fail(lost(this.options.url, new Error('the consumer ended')));
  }

  private handle(message: JsMsg): void {
    if (this.stopped || this.broken) return;
    this.stats.received++;
    if (message.redelivered) this.stats.redelivered++;
    if (this.localFilters && !this.localFilters.some((filter) => subjectMatches(filter, message.subject))) {
      this.stats.skipped++;
      settle(message, { status: 'duplicate' });
      return;
    }
    let decoded: DecodedEvent | null;
    try {
      decoded = this.decode(decoder.decode(message.data));
    } catch (error) {
      this.broken = true;
      const field = error instanceof DebeziumFormatError ? error.field : undefined;
      this.grouper.fail(
        new StranglerError(
          'SYNC_DEBEZIUM_INVALID',
          `Message ${message.seq} of stream ${this.options.stream} (subject ${message.subject}) is not a Debezium change event: ${messageOf(error)}. It and what follows it are not applied: remove it (nats stream rmm ${this.options.stream} ${message.seq}) or fix its producer, then start again.`,
          { details: { seq: message.seq, subject: message.subject, ...(field ? { field } : {}) } },
        ),
      );
      return;
    }
    if (!decoded) {
      this.stats.ignored++;
      settle(message, { status: 'duplicate' });
      return;
    }
    this.grouper.accept(decoded, (settled) => settle(message, settled));
  }

  /** Null for tombstones, logical-decoding messages, and Debezium's transaction-metadata and heartbeat events. */
  private decode(text: string): DecodedEvent | null {
    if (text.trim() === '') return null;
    const value = parseJson(text);
    const payload: JsonValue =
      isJsonObject(value) && 'payload' in value && ('schema' in value || Object.keys(value).length === 1)
        ? (value['payload'] ?? null)
        : value;
    if (isJsonObject(payload) && !('op' in payload)) {
      const keys = Object.keys(payload);
      const status = payload['status'];
      if ((status === 'BEGIN' || status === 'END') && 'id' in payload) return null;
      if (keys.length === 1 && keys[0] === 'ts_ms') return null;
    }
    return decodeDebeziumValue(value, {
      relations: this.relations,
      ...(this.options.placeholder ? { placeholder: this.options.placeholder } : {}),
    });
  }

  transactions(): AsyncIterable<SourceTransaction> {
    return this.grouper.transactions();
  }

  /** Everything up to `lsn` is committed in the target: acknowledge its messages. */
  acknowledge(lsn: Lsn): void {
    this.grouper.acknowledge(lsn);
  }

  /** The connection dropped: end this session (the next one starts at the ack floor). */
  lost(error: unknown): void {
    if (!this.stopped) this.grouper.fail(lost(this.options.url, error));
  }

  /** Stops consuming; messages not applied are given back (nak) to be delivered again. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.grouper.stop();
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    this.logger.info('stopped consuming Debezium events', { ...this.stats });
  }
}

function settle(message: JsMsg, settled: Settlement): void {
  try {
    if (settled.status === 'stopped') message.nak();
    else message.ack();
  } catch {
    // The connection is gone: JetStream delivers the message again, and the checkpoint decides.
  }
}

/** Connects for the life of a pipeline; reconnects forever once connected. */
export async function connectNats(url: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, timeout: 5_000, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  } catch (error) {
    throw new StranglerError(
      'SYNC_NATS_UNREACHABLE',
      `Cannot connect to NATS at ${url}: ${messageOf(error)}. Start the NATS server (with JetStream: nats-server -js) or fix debezium.nats.url.`,
      { cause: error },
    );
  }
}

/** Fails early, with what to do, when the stream is not there. */
export async function checkStream(connection: NatsConnection, url: string, stream: string): Promise<void> {
  try {
    const jsm = await connection.jetstreamManager();
    await jsm.streams.info(stream);
  } catch (error) {
    if (apiError(error) === 10059) throw streamMissing(url, stream);
    throw new StranglerError(
      'SYNC_NATS_FAILED',
      `NATS at ${url} did not answer for stream ${stream}: ${messageOf(error)}. Is JetStream enabled (nats-server -js)?`,
      { cause: error },
    );
  }
}

/** Calls `onDisconnect` each time the connection drops, until it is closed. */
export function watchConnection(connection: NatsConnection, onDisconnect: (error: Error) => void): void {
  void (async () => {
    for await (const status of connection.status())
      if (status.type === Events.Disconnect) onDisconnect(new Error(`disconnected from ${String(status.data)}`));
  })().catch(() => undefined);
}

/**
 * Whether `subject` matches the subject filter `filter`: tokens split by `.`, `*` matching one
 * token and a final `>` one or more (NATS docs, "Subject-Based Messaging", wildcards).
 */
export function subjectMatches(filter: string, subject: string): boolean {
  const want = filter.split('.');
  const got = subject.split('.');
  for (let index = 0; index < want.length; index++) {
    const token = want[index];
    if (token === '>' && index === want.length - 1) return got.length > index;
    if (index >= got.length || (token !== '*' && token !== got[index])) return false;
  }
  return got.length === want.length;
}

/** Whether a server version ("2.9.10") is at least major.minor; an unknown one counts as not. */
function atLeast(version: string | undefined, major: number, minor: number): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return false;
  const [have, haveMinor] = [Number(match[1]), Number(match[2])];
  return have > major || (have === major && haveMinor >= minor);
}

function apiError(error: unknown): number | undefined {
  const api = (error as { api_error?: { err_code?: number } } | undefined)?.api_error;
  return api?.err_code;
}

function streamMissing(url: string, stream: string): StranglerError {
  return new StranglerError(
    'SYNC_NATS_STREAM_MISSING',
    `NATS at ${url} has no JetStream stream ${stream}. Create it (Debezium Server: debezium.sink.nats-jetstream.create-stream=true; strangler: publish.nats creates its stream) or fix debezium.nats.stream.`,
  );
}

function lost(url: string, error: unknown): StranglerError {
  return new StranglerError('SYNC_SOURCE_UNREACHABLE', `Reading from NATS at ${url} failed: ${messageOf(error)}`, { cause: error });
}
