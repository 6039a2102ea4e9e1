/** The runner against the ChangeSource/ChangeSink interfaces, with small in-memory parts (unit only; the real proof is test/sync/*.pg/e2e). */
import { describe, expect, it } from 'vitest';
import { StranglerError } from '../../common/errors.js';
import type { ChangeSink, ChangeSource, Lsn, SourceTransaction } from '../change.js';
import { isTransactionPart, type TransactionPart } from '../source/transaction-assembler.js';
import { SyncRunner } from './runner.js';

function tx(n: number): SourceTransaction {
  return { xid: n, commitLsn: BigInt(n * 10), endLsn: BigInt(n * 10 + 1), commitTime: 0, relations: [], changes: [] };
}

class MemorySource implements ChangeSource {
  acks: Lsn[] = [];
  private queue: SourceTransaction[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  stopped = false;
  constructor(items: SourceTransaction[]) {
    this.queue.push(...items);
  }
  push(...items: SourceTransaction[]): void {
    this.queue.push(...items);
    this.wake?.();
  }
  fail(error: Error): void {
    this.failure = error;
    this.wake?.();
  }
  async *transactions(): AsyncIterable<SourceTransaction> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.stopped) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
  acknowledge(lsn: Lsn): void {
    this.acks.push(lsn);
  }
  stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    return Promise.resolve();
  }
}

class MemorySink implements ChangeSink {
  applied: number[] = [];
  batches = 0;
  stored: Lsn | undefined;
  failures: Error[] = [];
  gate: Promise<void> | undefined;
  log: string[] = [];
  checkpoint(): Promise<Lsn | undefined> {
    return Promise.resolve(this.stored);
  }
  async apply(transactions: readonly SourceTransaction[]): Promise<Lsn | undefined> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    await this.gate;
    this.batches++;
    for (const t of transactions) {
      if (this.stored !== undefined && t.commitLsn <= this.stored) continue;
      this.applied.push(t.xid);
      this.stored = t.commitLsn;
    }
    this.log.push(`commit ${String(this.stored)}`);
    return this.stored;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const until = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(ok()).toBe(true);
};

const fast = { batching: { maxTransactions: 100, maxRows: 1_000, maxWait: 5 }, retry: { initialMs: 1, maxMs: 4 } };

describe('SyncRunner', () => {
  it('applies batches and acknowledges the end LSN of the last one only after the target commit', async () => {
    const source = new MemorySource([tx(1), tx(2), tx(3)]);
    const sink = new MemorySink();
    const acknowledge = source.acknowledge.bind(source);
    source.acknowledge = (lsn) => {
      sink.log.push(`ack ${String(lsn)}`);
      acknowledge(lsn);
    };
    const runner = new SyncRunner({ sink, openSource: () => Promise.resolve(source), ...fast });
    const done = runner.run();
    await until(() => source.acks.length > 0);
    expect(sink.applied).toEqual([1, 2, 3]);
    expect(source.acks).toEqual([31n]);
    source.push(tx(4));
    await until(() => source.acks.length === 2);
    expect(source.acks).toEqual([31n, 41n]);
    expect(sink.batches).toBe(2);
    expect(sink.log).toEqual(['commit 30', 'ack 31', 'commit 40', 'ack 41']);
    await runner.stop();
    await done;
    expect(runner.state.state).toBe('stopped');
  });

  it('retries while the target is unreachable, acknowledging nothing meanwhile', async () => {
    const source = new MemorySource([tx(1)]);
    const sink = new MemorySink();
    const unreachable = new StranglerError('SYNC_TARGET_UNREACHABLE', 'refused');
    sink.failures.push(unreachable, unreachable, unreachable);
    const states: string[] = [];
    const runner = new SyncRunner({ sink, openSource: () => Promise.resolve(source), ...fast, onState: (m) => states.push(m.state) });
    const done = runner.run();
    await until(() => source.acks.length === 1);
    expect(states.filter((state) => state === 'backoff')).toHaveLength(3);
    expect(sink.applied).toEqual([1]);
    expect(source.acks).toEqual([11n]);
    expect(runner.metrics.retries).toBe(3);
    await runner.stop();
    await done;
  });

  it('opens the source again after it failed; what the sink already holds is skipped', async () => {
    const sources = [new MemorySource([tx(1), tx(2)]), new MemorySource([tx(1), tx(2), tx(3)])];
    const opened: Array<Lsn | undefined> = [];
    const sink = new MemorySink();
    const runner = new SyncRunner({
      sink,
      openSource: (context) => {
        opened.push(context.checkpoint);
        const next = sources[opened.length - 1];
        return next ? Promise.resolve(next) : Promise.reject(new Error('no more sources'));
      },
      ...fast,
    });
    const done = runner.run();
    await until(() => sources[0]?.acks.length === 1);
    sources[0]?.fail(new Error('Connection terminated unexpectedly'));
    await until(() => (sources[1]?.acks.length ?? 0) > 0);
    expect(opened).toEqual([undefined, 20n]);
    expect(sink.applied).toEqual([1, 2, 3]);
    expect(sources[1]?.acks.at(-1)).toBe(31n);
    await runner.stop();
    await done;
  });

  it('finishes the transaction in hand on stop, acknowledges it, then closes the source', async () => {
    const source = new MemorySource([tx(1)]);
    const sink = new MemorySink();
    let open: () => void = () => undefined;
    sink.gate = new Promise((resolve) => (open = resolve));
    const runner = new SyncRunner({ sink, openSource: () => Promise.resolve(source), ...fast });
    const done = runner.run();
    await until(() => runner.state.state === 'streaming');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stopping = runner.stop();
    open();
    await stopping;
    await done;
    expect(sink.applied).toEqual([1]);
    expect(source.acks).toEqual([11n]);
    expect(source.stopped).toBe(true);
    expect(runner.state.state).toBe('stopped');
  });

  it('stops with the error when a change cannot be applied', async () => {
    const source = new MemorySource([tx(1)]);
    const sink = new MemorySink();
    sink.failures.push(new StranglerError('SYNC_SCHEMA_CHANGED', 'new column'));
    const runner = new SyncRunner({ sink, openSource: () => Promise.resolve(source), ...fast });
    await expect(runner.run()).rejects.toMatchObject({ code: 'SYNC_SCHEMA_CHANGED' });
    expect(runner.state).toMatchObject({ state: 'failed', lastError: 'new column' });
    expect(source.acks).toEqual([]);
  });
});

function part(n: number): TransactionPart {
  return { ...tx(n), endLsn: 0n, partial: true };
}

/** A sink that keeps a target transaction open across calls while parts arrive (like PgSink.applyStream). */
class StreamingMemorySink extends MemorySink {
  open: number[] | undefined;
  aborted = 0;
  streamFailures: Error[] = [];
  get streaming(): boolean {
    return this.open !== undefined;
  }
  async applyStream(items: readonly SourceTransaction[]): Promise<{ open: boolean; checkpoint: Lsn | undefined }> {
    const failure = this.streamFailures.shift();
    if (failure) {
      this.open = undefined;
      throw failure;
    }
    await this.gate;
    const fresh = items.filter((item) => this.stored === undefined || item.commitLsn > this.stored);
    if (!this.open && fresh.length === 0) return { open: false, checkpoint: this.stored };
    this.open ??= [];
    for (const item of fresh) if (!isTransactionPart(item)) this.open.push(item.xid);
    const last = items[items.length - 1];
    if (last && isTransactionPart(last)) return { open: true, checkpoint: this.stored };
    this.applied.push(...this.open);
    const lastWhole = fresh.filter((item) => !isTransactionPart(item)).at(-1);
    if (lastWhole) this.stored = lastWhole.commitLsn;
    this.open = undefined;
    this.batches++;
    this.log.push(`commit ${String(this.stored)}`);
    return { open: false, checkpoint: this.stored };
  }
  abortStream(): Promise<void> {
    if (this.open) this.aborted++;
    this.open = undefined;
    return Promise.resolve();
  }
}

describe('SyncRunner with transactions in parts', () => {
  it('acknowledges nothing while a target transaction holds parts, then the last end after its commit', async () => {
    const source = new MemorySource([tx(1), part(2), part(2)]);
    const sink = new StreamingMemorySink();
    const acknowledge = source.acknowledge.bind(source);
    source.acknowledge = (lsn) => {
      sink.log.push(`ack ${String(lsn)}`);
      acknowledge(lsn);
    };
    const runner = new SyncRunner({ sink, openSource: () => Promise.resolve(source), ...fast });
    const done = runner.run();
    await until(() => sink.streaming);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Transaction 1 is in the same open target transaction as the parts of 2: not acknowledged yet.
    expect(source.acks).toEqual([]);
    expect(sink.applied).toEqual([]);
    source.push(tx(2), tx(3));
    await until(() => source.acks.length > 0);
    expect(sink.applied).toEqual([1, 2, 3]);
    expect(source.acks).toEqual([31n]);
    expect(sink.log).toEqual(['commit 30', 'ack 31']);
    expect(runner.metrics.transactions).toBe(3);
    await runner.stop();
    await done;
  });

  it('reads the source again when the target fails inside a transaction in parts (the parts are gone), applying it once', async () => {
    const sources = [new MemorySource([tx(1), part(2)]), new MemorySource([tx(1), part(2), tx(2)])];
    const opened: Array<Lsn | undefined> = [];
    const sink = new StreamingMemorySink();
    const runner = new SyncRunner({
      sink,
      openSource: (context) => {
        opened.push(context.checkpoint);
        const next = sources[opened.length - 1];
        return next ? Promise.resolve(next) : Promise.reject(new Error('no more sources'));
      },
      ...fast,
    });
    const done = runner.run();
    await until(() => sink.streaming);
    sink.streamFailures.push(new StranglerError('SYNC_TARGET_UNREACHABLE', 'connection lost'));
    sources[0]?.push(tx(2));
    await until(() => (sources[1]?.acks.length ?? 0) > 0);
    expect(opened).toEqual([undefined, undefined]);
    expect(sources[0]?.acks).toEqual([]);
    expect(sink.applied).toEqual([1, 2]);
    expect(sources[1]?.acks).toEqual([21n]);
    await runner.stop();
    await done;
  });

  it('rolls back the open target transaction when the source fails before the transaction ends', async () => {
    const sources = [new MemorySource([part(1)]), new MemorySource([part(1), tx(1)])];
    let opens = 0;
    const sink = new StreamingMemorySink();
    const runner = new SyncRunner({
      sink,
      openSource: () => {
        const next = sources[opens++];
        return next ? Promise.resolve(next) : Promise.reject(new Error('no more sources'));
      },
      ...fast,
    });
    const done = runner.run();
    await until(() => sink.streaming);
    sources[0]?.fail(new Error('Connection terminated unexpectedly'));
    await until(() => (sources[1]?.acks.length ?? 0) > 0);
    expect(sink.aborted).toBe(1);
    expect(sink.applied).toEqual([1]);
    expect(sources[1]?.acks).toEqual([11n]);
    await runner.stop();
    await done;
  });
});
