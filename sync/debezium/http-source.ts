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
 * Grouping: events of one transaction (same txId and lastCommitLsn, see format.ts) form one
 * SourceTransaction. A group is complete when an event of a later position from another
 * transaction arrives, or after `quietMs` without events. Debezium Server sends one event at a
 * time and waits for the answer, so with it every group ends by the quiet period and holds the
 * events that arrived meanwhile; the rest of a transaction then comes as further parts.
 *
 * Positions into the sink's single checkpoint LSN: a part's commit LSN is the natural position of
 * its last event (its lsn, or lastCommitLsn + 1 when the lsn predates the previous commit) bumped
 * to stay above the previous part's, so the sink's skip never drops a part in this process. After
 * a restart, events whose natural position is at or below the stored checkpoint count as applied.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { formatLsn, type ChangeSource, type Lsn, type SourceTransaction } from '../change.js';
import {
  comparePositions,
  decodeDebeziumJson,
  DebeziumFormatError,
  positionKey,
  RelationCache,
  transactionKey,
  type DecodedEvent,
  type EventPosition,
} from './format.js';

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

interface Held {
  key: string;
  decoded: DecodedEvent;
  waiters: Array<(outcome: Outcome) => void>;
}

interface Part {
  endLsn: Lsn;
  last: EventPosition;
  held: Held[];
}

export const naturalLsn = (position: EventPosition): Lsn =>
  position.lsn > position.lastCommitLsn ? position.lsn : position.lastCommitLsn + 1n;

export class DebeziumHttpSource implements ChangeSource {
  private server: Server | undefined;
  private readonly open = new Map<string, Held[]>();
  private readonly inFlight = new Map<string, Held>();
  private readonly emitted: Part[] = [];
  private readonly ready: SourceTransaction[] = [];
  private wake: (() => void) | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private lastSynthetic: Lsn | undefined;
  private lastEnd: Lsn | undefined;
  private lastApplied: EventPosition | undefined;
  private stopped = false;
  private readonly relations = new RelationCache();
  private readonly logger: Logger;
  /** Counters for tests and logs. */
  readonly stats = { received: 0, duplicates: 0, tombstones: 0, rejected: 0, applied: 0 };

  private constructor(private readonly options: DebeziumHttpSourceOptions) {
    this.logger = options.logger ?? silentLogger;
    this.lastSynthetic = options.appliedThrough;
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
    if (this.stopped) {
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
    const position = decoded.position;
    // Snapshot rows share one position (the snapshot's lsn and txId): the row tells them apart.
    const snapshotRow = decoded.event.op === 'r';
    const key = snapshotRow ? `${positionKey(position)}:r:${JSON.stringify(decoded.event.after)}` : positionKey(position);
    return new Promise<Outcome>((resolve) => {
      const pending = this.inFlight.get(key);
      if (pending) {
        this.stats.duplicates++;
        pending.waiters.push(resolve);
        return;
      }
      const applied = snapshotRow
        ? false
        : this.lastApplied !== undefined
          ? comparePositions(position, this.lastApplied) <= 0
          : this.options.appliedThrough !== undefined && naturalLsn(position) <= this.options.appliedThrough;
      if (applied) {
        this.stats.duplicates++;
        resolve({ status: 200, body: { status: 'duplicate' } });
        return;
      }
      const held: Held = { key, decoded, waiters: [resolve] };
      this.inFlight.set(key, held);
      const txKey = transactionKey(position);
      // A later event of another transaction completes the transactions before it.
      const done = [...this.open].filter(([otherKey, events]) => {
        const last = events[events.length - 1];
        return otherKey !== txKey && last !== undefined && comparePositions(last.decoded.position, position) < 0;
      });
      for (const key of sortByFirst(done)) this.close(key);
      const group = this.open.get(txKey) ?? [];
      group.push(held);
      this.open.set(txKey, group);
      clearTimeout(this.quietTimer);
      this.quietTimer = setTimeout(() => this.closeAll(), this.options.quietMs ?? 50);
    });
  }

  private closeAll(): void {
    for (const key of sortByFirst([...this.open])) this.close(key);
  }

  private close(txKey: string): void {
    const held = this.open.get(txKey);
    this.open.delete(txKey);
    if (!held || held.length === 0) return;
    held.sort((a, b) => comparePositions(a.decoded.position, b.decoded.position));
    const last = (held[held.length - 1] as Held).decoded.position;
    const changes = held.map((entry) => entry.decoded.event);
    // Snapshot reads are upserts the sink never skips: they keep their own position (the 'last'
    // one sets the checkpoint to the snapshot's LSN) and do not push the streaming positions up.
    let commitLsn = naturalLsn(last);
    if (!changes.every((change) => change.op === 'r')) {
      if (this.lastSynthetic !== undefined && commitLsn <= this.lastSynthetic) commitLsn = this.lastSynthetic + 1n;
      this.lastSynthetic = commitLsn;
    }
    // What the runner acknowledges: strictly increasing, so acknowledge() finds the parts in order.
    const endLsn = this.lastEnd !== undefined && commitLsn <= this.lastEnd ? this.lastEnd + 1n : commitLsn;
    this.lastEnd = endLsn;
    const relations = [...new Set(changes.map((change) => change.relation))];
    this.ready.push({
      xid: last.txId,
      commitLsn,
      endLsn,
      commitTime: Math.max(...changes.map((change) => change.source.ts_ms)),
      relations,
      changes,
    });
    this.emitted.push({ endLsn, last, held });
    this.wake?.();
  }

  async *transactions(): AsyncIterable<SourceTransaction> {
    while (!this.stopped) {
      const next = this.ready.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** Everything up to `lsn` is applied: answer its requests with 200. */
  acknowledge(lsn: Lsn): void {
    while (this.emitted.length > 0 && (this.emitted[0] as Part).endLsn <= lsn) {
      const part = this.emitted.shift() as Part;
      if (this.lastApplied === undefined || comparePositions(part.last, this.lastApplied) > 0) this.lastApplied = part.last;
      for (const held of part.held) {
        this.inFlight.delete(held.key);
        this.stats.applied++;
        for (const waiter of held.waiters) waiter({ status: 200, body: { status: 'applied', checkpoint: formatLsn(part.endLsn) } });
      }
    }
  }

  /** Stops listening; events not applied are answered 503 (Debezium sends them again). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.quietTimer);
    this.wake?.();
    const unanswered = [...this.inFlight.values()];
    this.inFlight.clear();
    this.open.clear();
    this.emitted.length = 0;
    for (const held of unanswered)
      for (const waiter of held.waiters)
        waiter({
          status: 503,
          body: { error: { code: 'SYNC_DEBEZIUM_STOPPING', message: 'Not applied: the sync stopped. Send it again.' } },
        });
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.logger.info('stopped listening for Debezium events', { ...this.stats });
  }
}

/** Transaction keys in stream order of their first event. */
function sortByFirst(groups: Array<[string, Held[]]>): string[] {
  const first = (held: Held[]): EventPosition | undefined =>
    held.reduce<EventPosition | undefined>(
      (low, entry) => (low === undefined || comparePositions(entry.decoded.position, low) < 0 ? entry.decoded.position : low),
      undefined,
    );
  return groups
    .map(([key, held]) => ({ key, at: first(held) }))
    .sort((a, b) => (a.at && b.at ? comparePositions(a.at, b.at) : 0))
    .map((entry) => entry.key);
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
