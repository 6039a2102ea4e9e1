/**
 * `DebeziumHttpSource`: a ChangeSource fed by Debezium Server's HTTP sink (debezium.sink.type=http),
 * which POSTs each change event as one JSON request body and retries the same event until it
 * gets a 2xx answer (Debezium Server docs, "HTTP Client" sink:
 * https://debezium.io/documentation/reference/stable/operations/debezium-server.html#_http_client).
 *
 * Each request is answered only after the event is applied in the target and acknowledged by
 * the runner, so an event Debezium got no 2xx for is sent again (at least once), and an event
 * at or below what was applied is answered at once without applying it (dedupe on its
 * position), which together make exactly once in effect.
 *
 * Grouping and positions: grouping.ts (shared with the JetStream source). Debezium Server sends
 * one event at a time and waits for the answer, so with it every group ends by the quiet period
 * and holds the events that arrived meanwhile; the rest of a transaction then comes as further parts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ChangeSource, Lsn, SourceTransaction } from '../change.js';
import { decodeDebeziumJson, DebeziumFormatError, RelationCache, type DecodedEvent } from './format.js';
import { naturalLsn, TransactionGrouper, type Settlement } from './grouping.js';

export { naturalLsn };

export interface DebeziumHttpSourceOptions {
  /** `host:port` (default 127.0.0.1:8083; port 0 picks a free one). */
  listen?: string;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** ms without a new event after which open transactions are complete (default 50). */
  quietMs?: number;
  /** The sink's checkpoint: events whose position is at or below it were applied before. */
  appliedThrough?: Lsn;
  /** Largest accepted body (default 16 MiB). */
  maxBodyBytes?: number;
  placeholder?: string;
  logger?: Logger;
}

type Outcome = { status: number; body: Record<string, unknown> };

export class DebeziumHttpSource implements ChangeSource {
  private server: Server | undefined;
  private readonly grouper: TransactionGrouper;
  private readonly relations = new RelationCache();
  private readonly logger: Logger;
  /** Counters for tests and logs. */
  readonly stats = { received: 0, duplicates: 0, tombstones: 0, rejected: 0, applied: 0 };

  private constructor(private readonly options: DebeziumHttpSourceOptions) {
    this.logger = options.logger ?? silentLogger;
    this.grouper = new TransactionGrouper({
      quietMs: options.quietMs ?? 50,
      ...(options.appliedThrough !== undefined ? { appliedThrough: options.appliedThrough } : {}),
      stats: this.stats,
    });
  }

  static async listen(options: DebeziumHttpSourceOptions = {}): Promise<DebeziumHttpSource> {
    const source = new DebeziumHttpSource(options);
    await source.start();
    return source;
  }

  /** `http://host:port/` of the listener. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('not listening');
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`;
  }

  private async start(): Promise<void> {
    const listen = this.options.listen ?? '127.0.0.1:8083';
    const colon = listen.lastIndexOf(':');
    const host = listen.slice(0, colon);
    const port = Number(listen.slice(colon + 1));
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new StranglerError(
            'SYNC_DEBEZIUM_LISTEN',
            `Cannot listen on ${listen} for Debezium events: ${messageOf(error)}. Pick another debezium.listen.`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.logger.info('listening for Debezium events', { url: this.url });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (outcome: Outcome): void => {
      if (response.writableEnded) return;
      const text = JSON.stringify(outcome.body);
      response.writeHead(outcome.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    const error = (status: number, code: string, message: string, field?: string): void =>
      reply({ status, body: { error: { code, message, ...(field ? { field } : {}) } } });
    if (request.method !== 'POST') {
      request.resume();
      return error(405, 'SYNC_DEBEZIUM_METHOD', 'POST one Debezium change event per request (JSON body).');
    }
    if (this.options.token !== undefined && request.headers.authorization !== `Bearer ${this.options.token}`) {
      request.resume();
      return error(401, 'SYNC_DEBEZIUM_UNAUTHORIZED', 'Missing or wrong bearer token (Authorization: Bearer <token>).');
    }
    if (this.grouper.stopped) {
      request.resume();
      return error(503, 'SYNC_DEBEZIUM_STOPPING', 'The sync is stopping; send the event again later.');
    }
    let body: string;
    try {
      body = await readBody(request, this.options.maxBodyBytes ?? 16 * 1024 * 1024);
    } catch (failure) {
      return error(413, 'SYNC_DEBEZIUM_TOO_LARGE', messageOf(failure));
    }
    let decoded: DecodedEvent | null;
    try {
      decoded = decodeDebeziumJson(body, {
        relations: this.relations,
        ...(this.options.placeholder ? { placeholder: this.options.placeholder } : {}),
      });
    } catch (failure) {
      this.stats.rejected++;
      if (failure instanceof DebeziumFormatError) return error(400, failure.code, failure.message, failure.field);
      return error(400, 'SYNC_DEBEZIUM_INVALID', messageOf(failure));
    }
    if (!decoded) {
      this.stats.tombstones++;
      return reply({ status: 200, body: { status: 'ignored' } });
    }
    this.stats.received++;
    reply(await this.accept(decoded));
  }

  /** Resolves with the answer for this event: once it is applied, or at once for a duplicate. */
  private accept(decoded: DecodedEvent): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => this.grouper.accept(decoded, (settled) => resolve(answer(settled))));
  }

  transactions(): AsyncIterable<SourceTransaction> {
    return this.grouper.transactions();
  }

  /** Everything up to `lsn` is applied: answer its requests with 200. */
  acknowledge(lsn: Lsn): void {
    this.grouper.acknowledge(lsn);
  }

  /** Stops listening; events not applied are answered 503 (Debezium sends them again). */
  async stop(): Promise<void> {
    if (this.grouper.stopped) return;
    this.grouper.stop();
    const server = this.server;
    this.server = undefined;
    if (server) {
      // The held events' 503s are written once their promises settle: let them out before the sockets close.
      await new Promise((resolve) => setImmediate(resolve));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.logger.info('stopped listening for Debezium events', { ...this.stats });
  }
}

function answer(settled: Settlement): Outcome {
  switch (settled.status) {
    case 'applied':
      return { status: 200, body: { status: 'applied', checkpoint: settled.checkpoint } };
    case 'duplicate':
      return { status: 200, body: { status: 'duplicate' } };
    case 'stopped':
      return {
        status: 503,
        body: { error: { code: 'SYNC_DEBEZIUM_STOPPING', message: 'Not applied: the sync stopped. Send it again.' } },
      };
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`The body is larger than ${limit} bytes.`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
