/**
 * Joins a ChangeSource and a ChangeSink. Reads committed transactions, batches small ones,
 * applies them, and acknowledges the source only after the target commit returned, with the
 * end LSN of the last transaction applied (never a position merely received). When the target
 * is unreachable the same batch is retried with back-off: nothing is acknowledged meanwhile.
 * When the source fails it is opened again (the slot re-sends what was not acknowledged; the
 * sink's checkpoint skips what it already holds). stop() finishes the batch in hand, acks, closes.
 */
import { messageOf, StranglerError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { formatLsn, type ChangeSink, type ChangeSource, type Lsn, type Relation, type SourceTransaction } from '../change.js';
import { isTransactionPart } from '../source/transaction-assembler.js';
import { SyncMetrics } from './metrics.js';
import { initialMachine, transition, type RetryPolicy, type RunnerEvent, type RunnerMachine } from './state-machine.js';

export interface OpenContext {
  checkpoint: Lsn | undefined;
  /** Call when an initial snapshot starts (the state becomes snapshotting). */
  snapshotStarted(): void;
  /** True once stop() was called: long work (a snapshot) should return early. */
  stopping(): boolean;
}

export interface BatchingOptions {
  maxTransactions: number;
  maxRows: number;
  /** ms */
  maxWait: number;
}

export interface RunnerOptions {
  sink: ChangeSink;
  openSource(context: OpenContext): Promise<ChangeSource>;
  batching?: BatchingOptions;
  retry?: RetryPolicy;
  logger?: Logger;
  metrics?: SyncMetrics;
  now?: () => number;
  /** Tells a failure to retry (connection lost, slot briefly in use) from one to stop on. */
  isRetryable?: (error: unknown, side: 'source' | 'target') => boolean;
  onState?: (machine: RunnerMachine) => void;
}

/** A source that can hand out what it has queued at once (PgChangeSource.batches). */
interface BatchingSource extends ChangeSource {
  batches(max: number): AsyncIterable<SourceTransaction[]>;
}

const hasBatches = (source: ChangeSource): source is BatchingSource => typeof (source as Partial<BatchingSource>).batches === 'function';

/** A sink that can keep a target transaction open across calls (PgSink.applyStream), for sources that hand out TransactionParts. */
interface StreamingSink extends ChangeSink {
  readonly streaming: boolean;
  applyStream(items: readonly SourceTransaction[]): Promise<{ open: boolean; checkpoint: Lsn | undefined }>;
  abortStream(): Promise<void>;
}

const isStreamingSink = (sink: ChangeSink): sink is StreamingSink =>
  typeof (sink as Partial<StreamingSink>).applyStream === 'function' && typeof (sink as Partial<StreamingSink>).abortStream === 'function';

const RETRYABLE_CODES = new Set([
  'SYNC_SOURCE_UNREACHABLE',
  'SYNC_TARGET_UNREACHABLE',
  'SYNC_SLOT_IN_USE',
  'SYNC_REPLICATION_FAILED',
  'SYNC_APPLY_RESTART',
]);

export function defaultIsRetryable(error: unknown): boolean {
  if (error instanceof StranglerError) return RETRYABLE_CODES.has(error.code);
  return true;
}

class SideError extends Error {
  constructor(
    readonly side: 'source' | 'target',
    readonly inner: unknown,
  ) {
    super(messageOf(inner));
  }
}

export class SyncRunner {
  private machine: RunnerMachine;
  private readonly logger: Logger;
  readonly metrics: SyncMetrics;
  private readonly now: () => number;
  private readonly batching: BatchingOptions;
  private readonly retry: RetryPolicy;
  private stopRequested = false;
  private wakeStop: (() => void) | undefined;
  private readonly stopSignal: Promise<void>;
  private running: Promise<void> | undefined;
  private lastAcked: Lsn | undefined;

  constructor(private readonly options: RunnerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new SyncMetrics();
    this.now = options.now ?? Date.now;
    this.batching = options.batching ?? { maxTransactions: 500, maxRows: 50_000, maxWait: 5 };
    this.retry = options.retry ?? { initialMs: 200, maxMs: 10_000 };
    this.machine = initialMachine(this.now());
    this.stopSignal = new Promise((resolve) => (this.wakeStop = resolve));
  }

  get state(): RunnerMachine {
    return this.machine;
  }

  /** The last LSN acknowledged to the source. */
  get acknowledged(): Lsn | undefined {
    return this.lastAcked;
  }

  private dispatch(event: RunnerEvent): void {
    const before = this.machine.state;
    this.machine = transition(this.machine, event, this.now(), this.retry);
    this.metrics.state = this.machine.state;
    if (this.machine.state !== before) {
      const failing = this.machine.state === 'backoff' || this.machine.state === 'failed';
      const fields = { from: before, event: event.type, ...(failing && this.machine.lastError ? { error: this.machine.lastError } : {}) };
      if (this.machine.state === 'failed') this.logger.error('sync failed', fields);
      else this.logger.info(`sync ${this.machine.state}`, fields);
      this.options.onState?.(this.machine);
    }
  }

  /** Runs until stop() (resolves) or a failure that retrying cannot fix (rejects). */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Graceful stop: finish the batch in hand, acknowledge it, close. Resolves when run() has ended. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeStop?.();
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    this.dispatch({ type: 'start' });
    try {
      for (;;) {
        if (this.stopRequested) this.dispatch({ type: 'stop' });
        const state = this.machine.state;
        if (state === 'stopped' || state === 'failed') break;
        if (state === 'backoff') {
          await this.sleep(Math.max(0, (this.machine.retryAt ?? 0) - this.now()));
          if (!this.stopRequested) this.dispatch({ type: 'retryDue' });
          continue;
        }
        await this.session();
      }
    } finally {
      await this.options.sink.close().catch(() => undefined);
    }
    if (this.machine.state === 'failed') {
      throw this.failure ?? new StranglerError('SYNC_FAILED', this.machine.lastError ?? 'the sync failed');
    }
  }

  private failure: unknown;

  private fail(side: 'source' | 'target', error: unknown): void {
    const retryable = (this.options.isRetryable ?? defaultIsRetryable)(error, side);
    if (retryable && !this.stopRequested) {
      this.metrics.retries++;
      this.dispatch({ type: side === 'source' ? 'sourceLost' : 'targetLost', error: messageOf(error) });
      return;
    }
    if (retryable) {
      this.dispatch({ type: 'stop' });
      this.dispatch({ type: 'drained' });
      return;
    }
    this.failure = error;
    this.dispatch({ type: 'fatal', error: messageOf(error) });
  }

  /** One connection of the source: open it, stream until it fails or stop() is called. */
  private async session(): Promise<void> {
    let source: ChangeSource | undefined;
    try {
      const checkpoint = await this.options.sink.checkpoint().catch((error: unknown) => {
        throw new SideError('target', error);
      });
      source = await this.options
        .openSource({ checkpoint, snapshotStarted: () => this.dispatch({ type: 'snapshot' }), stopping: () => this.stopRequested })
        .catch((error: unknown) => {
          throw error instanceof SideError ? error : new SideError('source', error);
        });
      if (this.machine.state === 'snapshotting') this.dispatch({ type: 'snapshotDone' });
      this.dispatch({ type: 'connected' });
      await this.stream(source);
      if (this.stopRequested) {
        this.dispatch({ type: 'stop' });
        this.dispatch({ type: 'drained' });
      } else {
        this.fail('source', new StranglerError('SYNC_SOURCE_UNREACHABLE', 'The source stream ended.'));
      }
    } catch (error) {
      if (error instanceof SideError) this.fail(error.side, error.inner);
      else this.fail('source', error);
    } finally {
      // A target transaction holding parts of an unfinished source transaction: the slot sends it again.
      const sink = this.options.sink;
      if (isStreamingSink(sink)) await sink.abortStream().catch(() => undefined);
      await source?.stop().catch((error: unknown) => this.logger.warn('closing the source failed', { error: messageOf(error) }));
    }
  }

  private async stream(source: ChangeSource): Promise<void> {
    const iterator = (hasBatches(source) ? source.batches(this.batching.maxTransactions) : wrapSingles(source.transactions()))[
      Symbol.asyncIterator
    ]();
    let pending: Promise<IteratorResult<SourceTransaction[]>> | undefined;
    /** The end of the last whole transaction handed to the sink and not yet acknowledged. */
    let toAck: Lsn | undefined;
    const next = (): Promise<IteratorResult<SourceTransaction[]>> => {
      pending ??= iterator.next().catch((error: unknown) => {
        throw new SideError('source', error);
      });
      return pending;
    };
    for (;;) {
      const first = await Promise.race([next(), this.stopSignal.then(() => 'stop' as const)]);
      if (first === 'stop') return;
      pending = undefined;
      if (first.done) return;
      const batch = [...first.value];
      let rows = countRows(batch);
      // Gather more for at most maxWait (one timer per batch): past it, what is in hand goes to
      // the target, so the target works while the rest is still being received and decoded.
      const deadline = this.now() + this.batching.maxWait;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, this.batching.maxWait, 'timeout' as const)));
      while (batch.length < this.batching.maxTransactions && rows < this.batching.maxRows && !this.stopRequested && this.now() < deadline) {
        const more = await Promise.race([next(), timeout]);
        if (more === 'timeout') break;
        pending = undefined;
        if (more.done) break;
        batch.push(...more.value);
        rows += countRows(more.value);
      }
      clearTimeout(timer);
      for (const tx of batch) if (!isPart(tx)) toAck = tx.endLsn;
      const sink = this.options.sink;
      if (isStreamingSink(sink) && (sink.streaming || batch.some(isPart))) {
        // Parts of a transaction still being received: its earlier parts are only in the open
        // target transaction, so a failure cannot retry this batch alone; the session restarts
        // and the slot sends everything after the last acknowledgement again.
        const skippedBefore = await sink.checkpoint().catch(() => undefined);
        const result = await sink.applyStream(batch).catch((error: unknown) => {
          throw new SideError('target', error);
        });
        this.record(batch, skippedBefore, result.checkpoint);
        if (result.open) continue;
        this.dispatch({ type: 'applied' });
      } else {
        const applied = await this.applyWithRetry(batch);
        if (!applied) return;
      }
      if (toAck !== undefined) {
        source.acknowledge(toAck);
        this.lastAcked = toAck;
        toAck = undefined;
      }
    }
  }

  /** Applies one batch, retrying while the target is unreachable. False when stopped before it could. */
  private async applyWithRetry(batch: SourceTransaction[]): Promise<boolean> {
    for (;;) {
      const skippedBefore = await this.options.sink.checkpoint().catch(() => undefined);
      try {
        const checkpoint = await this.options.sink.apply(batch);
        this.record(batch, skippedBefore, checkpoint);
        this.dispatch({ type: 'applied' });
        return true;
      } catch (error) {
        const retryable = (this.options.isRetryable ?? defaultIsRetryable)(error, 'target');
        if (!retryable) throw new SideError('target', error);
        this.metrics.retries++;
        this.dispatch({ type: 'targetLost', error: messageOf(error) });
        await this.waitForRetry();
        if (this.stopRequested) return false;
      }
    }
  }

  private record(batch: SourceTransaction[], before: Lsn | undefined, checkpoint: Lsn | undefined): void {
    let skipped = 0;
    let parts = 0;
    // Counted per run of changes of one relation and op, not per change (a batch may hold 100,000).
    const counts = new Map<Relation, Map<string, number>>();
    for (const tx of batch) {
      const part = isPart(tx);
      if (before !== undefined && tx.commitLsn <= before && !tx.changes.every((change) => change.op === 'r')) {
        if (part) parts++;
        else skipped++;
        continue;
      }
      if (part) parts++;
      for (const change of tx.changes) {
        let byOp = counts.get(change.relation);
        if (!byOp) counts.set(change.relation, (byOp = new Map()));
        byOp.set(change.op, (byOp.get(change.op) ?? 0) + 1);
      }
    }
    for (const [relation, byOp] of counts)
      for (const [op, count] of byOp) this.metrics.countEvents(`${relation.schema}.${relation.table}`, op, count);
    this.metrics.transactions += batch.length - skipped - parts;
    this.metrics.skippedTransactions += skipped;
    if (checkpoint !== undefined) this.metrics.lastAppliedLsn = checkpoint;
    this.metrics.lastAppliedAt = this.now();
    const last = batch[batch.length - 1];
    if (last) this.metrics.lagSeconds = Math.max(0, (this.now() - last.commitTime) / 1000);
    if (skipped > 0)
      this.logger.debug('skipped transactions already applied', { skipped, checkpoint: before === undefined ? null : formatLsn(before) });
  }

  /** Sleeps out the back-off (timers may fire a little early: the machine decides when it is due). */
  private async waitForRetry(): Promise<void> {
    while (this.machine.state === 'backoff' && !this.stopRequested) {
      await this.sleep(Math.max(1, (this.machine.retryAt ?? 0) - this.now()));
      if (!this.stopRequested) this.dispatch({ type: 'retryDue' });
    }
  }

  private sleep(ms: number): Promise<void> {
    return Promise.race([delay(ms), this.stopSignal]);
  }
}

const isPart = (tx: SourceTransaction): boolean => isTransactionPart(tx);

function countRows(batch: readonly SourceTransaction[]): number {
  let rows = 0;
  for (const tx of batch) rows += tx.changes.length;
  return rows;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

async function* wrapSingles(transactions: AsyncIterable<SourceTransaction>): AsyncIterable<SourceTransaction[]> {
  for await (const tx of transactions) yield [tx];
}
