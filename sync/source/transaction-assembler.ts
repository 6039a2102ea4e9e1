/**
 * Turns the decoded pgoutput message stream into `SourceTransaction`s in commit order, with
 * every change in Debezium's envelope. Keeps the relation cache (a Relation message comes
 * before the first change of a table in a session and again after its shape changes).
 * Appending to the open transaction is O(1), so a 100,000-row transaction costs 100,000 steps.
 */
import type { ChangeEvent, ChangeSourceInfo, Relation, Row, SourceTransaction } from '../change.js';
import { UNCHANGED_TOAST, type PgOutputMessage, type TupleValue } from './pgoutput-decoder.js';

export interface AssemblerOptions {
  /** The source database name (Debezium `source.db`). */
  database: string;
  /** Called with each committed transaction, in commit order (and with each TransactionPart, see partChanges). */
  onTransaction: (transaction: SourceTransaction) => void;
  /** When the sync saw the change (ms since the epoch); defaults to Date.now. */
  now?: () => number;
  /**
   * Hand out an open transaction's changes in parts of this many (TransactionPart, before its
   * Commit arrived), so the consumer can apply a large transaction while the rest of it is
   * still being received; the transaction given at Commit then holds only the changes after
   * the last part. Off by default.
   */
  partChanges?: number;
}

/**
 * The first changes of a transaction whose Commit has not arrived yet (AssemblerOptions.partChanges).
 * Its commitLsn and commitTime are those of the Begin message (pgoutput Begin: "the final LSN of
 * the transaction", the commit timestamp), so a consumer can tell whether it applied this
 * transaction before; endLsn is unknown (0) and must never be acknowledged. Parts always arrive
 * in order, and the same transaction's end follows (as a SourceTransaction) unless the stream fails.
 */
export interface TransactionPart extends SourceTransaction {
  partial: true;
}

export function isTransactionPart(tx: SourceTransaction): tx is TransactionPart {
  return (tx as Partial<TransactionPart>).partial === true;
}

interface OpenTransaction {
  transaction: SourceTransaction;
  /** The shared `source` block of the relation changed last (most transactions change one table). */
  lastOid: number;
  lastSource: ChangeSourceInfo | undefined;
  /** One shared `source` block per other relation changed in this transaction (made on the second). */
  sources: Map<number, ChangeSourceInfo> | undefined;
}

export class AssemblerError extends Error {
  override name = 'AssemblerError';
}

export class TransactionAssembler {
  private readonly relations = new Map<number, Relation>();
  private open: OpenTransaction | undefined;
  /** Relations announced outside a transaction; attached to the next one. */
  private announced: Relation[] = [];
  private readonly now: () => number;

  constructor(private readonly options: AssemblerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True between a Begin and its Commit. */
  get inTransaction(): boolean {
    return this.open !== undefined;
  }

  relation(oid: number): Relation | undefined {
    return this.relations.get(oid);
  }

  push(message: PgOutputMessage): void {
    switch (message.tag) {
      case 'begin': {
        if (this.open) throw new AssemblerError(`Begin of xid ${message.xid} inside the open transaction ${this.open.transaction.xid}`);
        this.open = {
          transaction: {
            xid: message.xid,
            commitLsn: message.finalLsn,
            endLsn: 0n,
            commitTime: message.commitTime,
            relations: this.announced,
            changes: [],
          },
          lastOid: -1,
          lastSource: undefined,
          sources: undefined,
        };
        this.announced = [];
        return;
      }
      case 'commit': {
        const open = this.requireOpen('Commit');
        this.open = undefined;
        open.transaction.commitLsn = message.commitLsn;
        open.transaction.endLsn = message.endLsn;
        open.transaction.commitTime = message.commitTime;
        this.options.onTransaction(open.transaction);
        return;
      }
      case 'relation': {
        this.relations.set(message.relation.oid, message.relation);
        if (this.open) {
          this.forgetSource(this.open, message.relation.oid);
          this.open.transaction.relations.push(message.relation);
        } else {
          this.announced.push(message.relation);
        }
        return;
      }
      case 'insert': {
        const relation = this.requireRelation(message.relationOid);
        const { row, unchanged } = toRow(relation, message.newTuple, false);
        this.add(relation, 'c', null, row, unchanged);
        return;
      }
      case 'update': {
        const relation = this.requireRelation(message.relationOid);
        const { row, unchanged } = toRow(relation, message.newTuple, false);
        const before = message.oldTuple ? toRow(relation, message.oldTuple, message.oldKind === 'K').row : keyOf(relation, row);
        this.add(relation, 'u', before, row, unchanged);
        return;
      }
      case 'delete': {
        const relation = this.requireRelation(message.relationOid);
        this.add(relation, 'd', toRow(relation, message.oldTuple, message.oldKind === 'K').row, null, []);
        return;
      }
      case 'truncate': {
        for (const oid of message.relationOids) this.add(this.requireRelation(oid), 't', null, null, []);
        return;
      }
      // Type, Origin and logical decoding messages carry nothing the sync applies.
      case 'type':
      case 'origin':
      case 'message':
        return;
    }
  }

  /** The transaction's `source` block for this relation (one per relation and transaction, shared by its changes). */
  private sourceOf(open: OpenTransaction, relation: Relation): ChangeSourceInfo {
    if (open.lastSource !== undefined) (open.sources ??= new Map()).set(open.lastOid, open.lastSource);
    let source = open.sources?.get(relation.oid);
    if (!source) {
      const tx = open.transaction;
      source = {
        connector: 'strangler',
        db: this.options.database,
        schema: relation.schema,
        table: relation.table,
        lsn: Number(tx.commitLsn),
        txId: tx.xid,
        ts_ms: tx.commitTime,
        snapshot: 'false',
      };
    }
    open.lastOid = relation.oid;
    open.lastSource = source;
    return source;
  }

  /** A relation announced again inside the transaction (its shape changed) gets a new `source` block. */
  private forgetSource(open: OpenTransaction, oid: number): void {
    open.sources?.delete(oid);
    if (open.lastOid === oid) {
      open.lastOid = -1;
      open.lastSource = undefined;
    }
  }

  private requireOpen(what: string): OpenTransaction {
    if (!this.open) throw new AssemblerError(`${what} outside a transaction: the stream is out of order`);
    return this.open;
  }

  private requireRelation(oid: number): Relation {
    const relation = this.relations.get(oid);
    if (!relation) throw new AssemblerError(`change for relation oid ${oid} before its Relation message`);
    return relation;
  }

  private add(relation: Relation, op: ChangeEvent['op'], before: Row | null, after: Row | null, unchanged: string[]): void {
    const open = this.requireOpen('A change');
    const source = open.lastOid === relation.oid && open.lastSource !== undefined ? open.lastSource : this.sourceOf(open, relation);
    const event: ChangeEvent = { op, before, after, source, ts_ms: this.now(), relation };
    if (unchanged.length > 0) event.unchangedToast = unchanged;
    open.transaction.changes.push(event);
    const partChanges = this.options.partChanges;
    if (partChanges !== undefined && open.transaction.changes.length >= partChanges) {
      const tx = open.transaction;
      const part: TransactionPart = { ...tx, partial: true };
      tx.changes = [];
      tx.relations = [];
      this.options.onTransaction(part);
    }
  }
}

/** A tuple as a Row by column name. With `keysOnly` (an old 'K' tuple) only the key columns are kept. */
function toRow(relation: Relation, tuple: TupleValue[], keysOnly: boolean): { row: Row; unchanged: string[] } {
  const columns = relation.columns;
  if (tuple.length !== columns.length) {
    throw new AssemblerError(
      `tuple of ${tuple.length} columns for ${relation.schema}.${relation.table}, whose Relation message has ${columns.length}`,
    );
  }
  const row: Row = {};
  const unchanged: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i];
    const value = tuple[i];
    if (column === undefined || value === undefined) continue;
    if (keysOnly && !column.isKey) continue;
    if (value === UNCHANGED_TOAST) unchanged.push(column.name);
    else row[column.name] = value;
  }
  return { row, unchanged };
}

function keyOf(relation: Relation, row: Row): Row {
  const key: Row = {};
  for (const column of relation.columns) {
    if (column.isKey) key[column.name] = row[column.name] ?? null;
  }
  return key;
}
