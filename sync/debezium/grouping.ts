/**
 * `TransactionGrouper`: the part of a Debezium ChangeSource that does not care how events
 * arrive (HTTP requests in http-source.ts, JetStream messages in nats-source.ts). It dedupes on
 * position, groups events into SourceTransactions, hands them to the runner, and settles each
 * event's delivery once the runner acknowledges its part (applied), at once (duplicate), or when
 * the source stops (stopped: the sender must deliver it again).
 *
 * Grouping: events of one transaction (same txId and lastCommitLsn, see format.ts) form one
 * SourceTransaction. A group is complete when an event of a later position from another
 * transaction arrives, or after `quietMs` without events; what arrives of a transaction after
 * that comes as a further part.
 *
 * Positions into the sink's single checkpoint LSN: a part's commit LSN is the natural position of
 * its last event (its lsn, or lastCommitLsn + 1 when the lsn predates the previous commit) bumped
 * to stay above the previous part's, so the sink's skip never drops a part in this process. After
 * a restart, events whose natural position is at or below the stored checkpoint count as applied.
 */
import { formatLsn, type Lsn, type SourceTransaction } from '../change.js';
import { comparePositions, positionKey, transactionKey, type DecodedEvent, type EventPosition } from './format.js';

export type Settlement = { status: 'applied'; checkpoint: string } | { status: 'duplicate' } | { status: 'stopped' };
export type Settle = (settlement: Settlement) => void;

export interface TransactionGrouperOptions {
  /** ms without a new event after which open transactions are complete (default 50). */
  quietMs?: number;
  /** The sink's checkpoint: events whose position is at or below it were applied before. */
  appliedThrough?: Lsn;
  /** Counted into (the owner's stats object). */
  stats?: { duplicates: number; applied: number };
}

interface Held {
  key: string;
  decoded: DecodedEvent;
  waiters: Settle[];
}

interface Part {
  endLsn: Lsn;
  last: EventPosition;
  held: Held[];
}

export const naturalLsn = (position: EventPosition): Lsn =>
  position.lsn > position.lastCommitLsn ? position.lsn : position.lastCommitLsn + 1n;

export class TransactionGrouper {
  private readonly open = new Map<string, Held[]>();
  private readonly inFlight = new Map<string, Held>();
  private readonly emitted: Part[] = [];
  private readonly ready: SourceTransaction[] = [];
  private wake: (() => void) | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private lastSynthetic: Lsn | undefined;
  private lastEnd: Lsn | undefined;
  private lastApplied: EventPosition | undefined;
  private failure: unknown;
  private done = false;
  private readonly stats: { duplicates: number; applied: number };

  constructor(private readonly options: TransactionGrouperOptions = {}) {
    this.lastSynthetic = options.appliedThrough;
    this.stats = options.stats ?? { duplicates: 0, applied: 0 };
  }

  get stopped(): boolean {
    return this.done;
  }

  /** Takes one event; `settle` is called once it is applied, at once for a duplicate, or on stop. */
  accept(decoded: DecodedEvent, settle: Settle): void {
    if (this.done) return settle({ status: 'stopped' });
    const position = decoded.position;
    // Snapshot rows share one position (the snapshot's lsn and txId): the row tells them apart.
    const snapshotRow = decoded.event.op === 'r';
    const key = snapshotRow ? `${positionKey(position)}:r:${JSON.stringify(decoded.event.after)}` : positionKey(position);
    const pending = this.inFlight.get(key);
    if (pending) {
      this.stats.duplicates++;
      pending.waiters.push(settle);
      return;
    }
    const applied = snapshotRow
      ? false
      : this.lastApplied !== undefined
        ? comparePositions(position, this.lastApplied) <= 0
        : this.options.appliedThrough !== undefined && naturalLsn(position) <= this.options.appliedThrough;
    if (applied) {
      this.stats.duplicates++;
      return settle({ status: 'duplicate' });
    }
    const held: Held = { key, decoded, waiters: [settle] };
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

  /** The complete groups, in order; throws what fail() was given. */
  async *transactions(): AsyncIterable<SourceTransaction> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      if (this.done) return;
      const next = this.ready.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** The delivery failed (connection lost, a malformed event): transactions() throws it. */
  fail(error: unknown): void {
    this.failure ??= error;
    this.wake?.();
  }

  /** Everything up to `lsn` is applied: settle its events. */
  acknowledge(lsn: Lsn): void {
    while (this.emitted.length > 0 && (this.emitted[0] as Part).endLsn <= lsn) {
      const part = this.emitted.shift() as Part;
      if (this.lastApplied === undefined || comparePositions(part.last, this.lastApplied) > 0) this.lastApplied = part.last;
      for (const held of part.held) {
        this.inFlight.delete(held.key);
        this.stats.applied++;
        for (const waiter of held.waiters) waiter({ status: 'applied', checkpoint: formatLsn(part.endLsn) });
      }
    }
  }

  /** Ends transactions(); events not applied are settled 'stopped'. */
  stop(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.quietTimer);
    this.wake?.();
    const unsettled = [...this.inFlight.values()];
    this.inFlight.clear();
    this.open.clear();
    this.emitted.length = 0;
    this.ready.length = 0;
    for (const held of unsettled) for (const waiter of held.waiters) waiter({ status: 'stopped' });
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
