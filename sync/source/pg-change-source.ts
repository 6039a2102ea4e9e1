/**
 * `ChangeSource` on a PostgreSQL logical replication slot with pgoutput.
 *
 * - Receives XLogData/keepalives on a walsender connection and decodes them synchronously.
 * - Completed transactions wait in a queue; when it holds more than `highWaterEvents`
 *   changes the socket is paused (TCP backpressure reaches the walsender) and resumed below
 *   half of it.
 * - Standby status updates carry the last ACKNOWLEDGED position only (write = flush =
 *   apply = acked), sent every `statusIntervalMs`, shortly after an acknowledge(), and
 *   whenever a keepalive asks for a reply.
 * - A keepalive's WAL end is acknowledged on our own only when no transaction is open,
 *   none is queued and every delivered one was acknowledged: there is then nothing below
 *   that position the slot would still have to send us.
 * - When no WAL arrived for `heartbeatIntervalMs`, a non-transactional logical message is
 *   written in the source database so that an idle database's slot keeps advancing.
 */
import pg from 'pg';
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ChangeSource, Lsn, SourceTransaction } from '../change.js';
import { decodePgOutput } from './pgoutput-decoder.js';
import { ReplicationConnection, type ConnectionOptions } from './replication-connection.js';
import { parseReplicationMessage, standbyStatusUpdate } from './replication-protocol.js';
import { assertSlotUsable, readSlot } from './slot-state.js';
import { isTransactionPart, TransactionAssembler } from './transaction-assembler.js';

export interface PgChangeSourceOptions {
  connection: ConnectionOptions;
  slot: string;
  publication: string;
  /** Where to start (the sink's checkpoint); the server never starts before the slot's confirmed_flush_lsn. */
  startLsn?: Lsn;
  /** Pause the socket when this many changes are queued (default 200,000). */
  highWaterEvents?: number;
  /** Standby status update interval (default 10 s; the server's wal_sender_timeout is 60 s by default). */
  statusIntervalMs?: number;
  /** How soon after acknowledge() the new position is sent (default 200 ms). */
  ackSendDelayMs?: number;
  /** Emit a heartbeat message after this long without WAL (default 30 s; 0 disables). */
  heartbeatIntervalMs?: number;
  /**
   * Hand out a large transaction in parts of this many changes before its Commit arrived
   * (TransactionPart: never acknowledged, its end follows). Off by default.
   */
  partChanges?: number;
  logger?: Logger;
  now?: () => number;
}

export interface SourceStats {
  transactions: number;
  changes: number;
  /** Transactions received and not yet acknowledged. */
  pendingTransactions: number;
  acknowledged: Lsn;
  received: Lsn;
  /** Commit time of the oldest transaction not yet acknowledged (ms), if any. */
  oldestPendingCommitTime: number | undefined;
  /** Commit time of the last transaction received (ms), if any. */
  lastCommitTime: number | undefined;
  /** Changes received and not yet handed to the consumer. */
  queuedEvents: number;
  /** Reading from the socket is paused (backpressure). */
  paused: boolean;
}

export const HEARTBEAT_PREFIX = 'strangler-heartbeat';

export class PgChangeSource implements ChangeSource {
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly highWater: number;
  private connection: ReplicationConnection | undefined;
  private assembler: TransactionAssembler | undefined;
  private readonly queue: SourceTransaction[] = [];
  private head = 0;
  private queuedEvents = 0;
  private paused = false;
  private wake: (() => void) | undefined;
  private failure: unknown;
  private ended = false;
  private started = false;
  private stopping = false;
  private acked: Lsn = 0n;
  private sentAck: Lsn = -1n;
  private received: Lsn = 0n;
  private lastDeliveredEnd: Lsn = 0n;
  /** Delivered (queued or handed out), not yet acknowledged: endLsn and commit time, oldest first. */
  private readonly unacked: Array<{ endLsn: Lsn; commitTime: number }> = [];
  private unackedHead = 0;
  private lastWalAt: number;
  private lastCommitTime: number | undefined;
  private transactionCount = 0;
  private changeCount = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  private heartbeatClient: pg.Client | undefined;
  private heartbeating = false;

  constructor(private readonly options: PgChangeSourceOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.highWater = options.highWaterEvents ?? 200_000;
    this.lastWalAt = this.now();
  }

  /** Connects and sends START_REPLICATION; transactions() calls it if needed. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const slot = await readSlot(this.options.connection, this.options.slot);
    assertSlotUsable(slot);
    // The slot's confirmed position was acknowledged before; re-sending it is a no-op for the server.
    this.acked = slot.confirmedFlushLsn ?? 0n;
    const connection = await ReplicationConnection.open(this.options.connection);
    if (this.stopping) {
      await connection.close();
      return;
    }
    this.connection = connection;
    const identity = await connection.identifySystem();
    if (this.stopping) return;
    this.assembler = new TransactionAssembler({
      database: identity.dbName,
      onTransaction: (tx) => this.enqueue(tx),
      now: this.now,
      ...(this.options.partChanges !== undefined ? { partChanges: this.options.partChanges } : {}),
    });
    const streaming = connection.startLogical({
      slot: this.options.slot,
      publication: this.options.publication,
      startLsn: this.options.startLsn ?? 0n,
      onData: (chunk) => this.onData(chunk),
    });
    streaming.then(
      () => this.finish(undefined),
      (error: unknown) => {
        this.finish(error);
        // A failed stream holds the slot until the connection closes: release it now.
        void connection.close();
      },
    );
    this.timers.push(setInterval(() => this.sendStatus(false), this.options.statusIntervalMs ?? 10_000));
    const heartbeatMs = this.options.heartbeatIntervalMs ?? 30_000;
    if (heartbeatMs > 0) this.timers.push(setInterval(() => void this.heartbeat(heartbeatMs), Math.min(heartbeatMs, 5_000)));
    for (const timer of this.timers) timer.unref();
    this.logger.info('replication started', { slot: this.options.slot, startLsn: String(this.options.startLsn ?? 0n) });
  }

  async *transactions(): AsyncIterable<SourceTransaction> {
    for await (const batch of this.batches(1)) yield* batch;
  }

  /** Like transactions(), but hands out everything already queued (up to `max`) at once, for batching small transactions. */
  async *batches(max = 1000): AsyncIterable<SourceTransaction[]> {
    await this.start();
    for (;;) {
      if (this.head < this.queue.length) {
        const end = Math.min(this.queue.length, this.head + max);
        const batch = this.queue.slice(this.head, end);
        this.head = end;
        for (const tx of batch) this.queuedEvents -= tx.changes.length;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        if (this.paused && this.queuedEvents < this.highWater / 2) {
          this.paused = false;
          this.connection?.resume();
        }
        yield batch;
        continue;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  acknowledge(lsn: Lsn): void {
    if (lsn <= this.acked) return;
    this.acked = lsn;
    while (this.unackedHead < this.unacked.length && (this.unacked[this.unackedHead]?.endLsn ?? 0n) <= lsn) this.unackedHead++;
    if (this.unackedHead > 1024) {
      this.unacked.splice(0, this.unackedHead);
      this.unackedHead = 0;
    }
    this.scheduleStatus();
  }

  private scheduleStatus(): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      this.sendStatus(false);
    }, this.options.ackSendDelayMs ?? 200);
    this.ackTimer.unref();
  }

  /** Sends the acknowledged position now (e.g. before a planned stop). */
  flush(): void {
    this.sendStatus(false);
  }

  stats(): SourceStats {
    return {
      transactions: this.transactionCount,
      changes: this.changeCount,
      pendingTransactions: this.unacked.length - this.unackedHead,
      acknowledged: this.acked,
      received: this.received,
      oldestPendingCommitTime: this.unacked[this.unackedHead]?.commitTime,
      lastCommitTime: this.lastCommitTime,
      queuedEvents: this.queuedEvents,
      paused: this.paused,
    };
  }

  /** Seconds between now and the commit of the oldest transaction not yet acknowledged (0 when none). */
  lagSeconds(now = this.now()): number {
    const oldest = this.unacked[this.unackedHead]?.commitTime;
    return oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.ended && !this.connection) return;
    for (const timer of this.timers) clearInterval(timer);
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.sendStatus(false);
    const connection = this.connection;
    this.connection = undefined;
    this.finish(undefined);
    await connection?.close();
    await this.heartbeatClient?.end().catch(() => undefined);
    this.heartbeatClient = undefined;
    if (connection) await this.waitForExit(connection.backendPid);
  }

  /**
   * The walsender exits a moment after our connection closes; until then the slot is still
   * active and a restart would see SYNC_SLOT_IN_USE. Wait (briefly) until it is gone.
   */
  private async waitForExit(pid: number): Promise<void> {
    if (pid <= 0) return;
    const client = new pg.Client(this.options.connection);
    client.on('error', () => undefined);
    try {
      await client.connect();
      for (let i = 0; i < 100; i++) {
        const result = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (result.rowCount === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } catch {
      // The source is unreachable: nothing holds the slot from our side any more.
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private onData(chunk: Buffer): void {
    if (this.failure !== undefined) return;
    try {
      const message = parseReplicationMessage(chunk);
      if (message.kind === 'xlog') {
        this.lastWalAt = this.now();
        if (message.walStart > this.received) this.received = message.walStart;
        this.assembler?.push(decodePgOutput(message.data));
        return;
      }
      if (message.walEnd > this.received) this.received = message.walEnd;
      this.maybeAckIdle(message.walEnd);
      if (message.replyRequested) this.sendStatus(false);
    } catch (error) {
      this.finish(new StranglerError('SYNC_DECODE_FAILED', `Cannot decode the replication stream: ${messageOf(error)}`, { cause: error }));
      void this.connection?.close();
    }
  }

  /** A keepalive's WAL end may be acknowledged only when nothing received is still unapplied. */
  private maybeAckIdle(walEnd: Lsn): void {
    const idle =
      this.assembler?.inTransaction === false &&
      this.head >= this.queue.length &&
      this.unackedHead >= this.unacked.length &&
      this.acked >= this.lastDeliveredEnd;
    if (idle && walEnd > this.acked) {
      this.acked = walEnd;
      this.scheduleStatus();
    }
  }

  private enqueue(tx: SourceTransaction): void {
    this.queue.push(tx);
    this.changeCount += tx.changes.length;
    if (!isTransactionPart(tx)) {
      // A part has no end to acknowledge: the transaction counts once its Commit arrived.
      this.unacked.push({ endLsn: tx.endLsn, commitTime: tx.commitTime });
      this.lastDeliveredEnd = tx.endLsn;
      this.lastCommitTime = tx.commitTime;
      this.transactionCount++;
    }
    this.queuedEvents += tx.changes.length;
    if (!this.paused && this.queuedEvents > this.highWater) {
      this.paused = true;
      this.connection?.pause();
    }
    this.signal();
  }

  private sendStatus(replyRequested: boolean): void {
    if (!this.connection) return;
    this.connection.send(standbyStatusUpdate(this.acked, this.now(), replyRequested));
    this.sentAck = this.acked;
  }

  /** The position last sent to the server (for tests and status). */
  get sentAcknowledgement(): Lsn {
    return this.sentAck;
  }

  private async heartbeat(intervalMs: number): Promise<void> {
    if (this.heartbeating || this.ended || this.now() - this.lastWalAt < intervalMs) return;
    this.heartbeating = true;
    try {
      if (!this.heartbeatClient) {
        const client = new pg.Client(this.options.connection);
        client.on('error', () => undefined);
        await client.connect();
        this.heartbeatClient = client;
      }
      await this.heartbeatClient.query('SELECT pg_logical_emit_message(false, $1, $2)', [
        HEARTBEAT_PREFIX,
        new Date(this.now()).toISOString(),
      ]);
      this.lastWalAt = this.now();
    } catch (error) {
      this.logger.warn('heartbeat failed', { error: messageOf(error) });
      await this.heartbeatClient?.end().catch(() => undefined);
      this.heartbeatClient = undefined;
    } finally {
      this.heartbeating = false;
    }
  }

  private finish(error: unknown): void {
    if (error !== undefined && this.failure === undefined && !this.ended) this.failure = error;
    this.ended = true;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
