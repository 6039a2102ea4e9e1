/**
 * A ChangeEvent under a TablePlan becomes target operations: put (upsert by the target key,
 * or delete when the row fails the filter), delete by key, truncate.
 *
 * Unchanged TOAST columns (absent from `after`, listed in `unchangedToast`) are taken from
 * `before` when the source sends the whole old row (REPLICA IDENTITY FULL); otherwise they are
 * `missing`: the statement leaves those target columns as they are (UPDATE only), and a row
 * that does not exist in the target yet is an error (SYNC_TOAST_ROW_MISSING), never a row with
 * a silently wrong value.
 */
import { StranglerError } from '../../common/errors.js';
import type { ChangeEvent, Row } from '../change.js';
import type { TablePlan } from './compile.js';

export type Value = string | null;

export interface PutOperation {
  kind: 'put';
  plan: TablePlan;
  /** One value per `plan.params` (undefined where missing). */
  values: readonly (Value | undefined)[];
  /** Indexes of params whose value is not known (unchanged TOAST without the old row), ascending. */
  missing: readonly number[];
  /** The source row was a snapshot read. */
  snapshot: boolean;
  /** The source event was an insert or a snapshot read (the row normally does not exist in the target yet). */
  insert: boolean;
}

export interface DeleteOperation {
  kind: 'delete';
  plan: TablePlan;
  /** One value per `plan.key`. */
  key: readonly Value[];
}

export interface TruncateOperation {
  kind: 'truncate';
  plan: TablePlan;
}

export type TargetOperation = PutOperation | DeleteOperation | TruncateOperation;

function keyOf(plan: TablePlan, row: Row, event: ChangeEvent): Value[] {
  return plan.key.map((key) => {
    const name = plan.params[key.param] ?? '';
    if (!(name in row)) {
      throw new StranglerError(
        'SYNC_KEY_UNAVAILABLE',
        `A ${event.op === 'd' ? 'delete' : 'change'} on ${plan.source.schema}.${plan.source.table} does not carry ${name}, part of the target key of ${plan.target.table}. ` +
          `Run ALTER TABLE ${plan.source.schema}.${plan.source.table} REPLICA IDENTITY FULL on the source so old rows carry every column, or key the target by the source primary key.`,
      );
    }
    return row[name] ?? null;
  });
}

const NONE: readonly number[] = Object.freeze([]);

function sameKey(a: readonly Value[], b: readonly Value[]): boolean {
  return a.every((value, index) => value === b[index]);
}

function put(plan: TablePlan, event: ChangeEvent, after: Row): PutOperation {
  const toast = event.unchangedToast;
  const params = plan.params;
  const values = new Array<Value | undefined>(params.length);
  let unknown: number[] | undefined;
  for (let index = 0; index < params.length; index++) {
    const name = params[index] ?? '';
    const unchanged = toast !== undefined && toast.includes(name);
    if (!unchanged && name in after) {
      values[index] = after[name] ?? null;
    } else if (event.before && name in event.before && (unchanged || event.relation.replicaIdentity === 'f')) {
      values[index] = event.before[name] ?? null;
    } else {
      (unknown ??= []).push(index);
      values[index] = undefined;
    }
  }
  const insert = event.op === 'c' || event.op === 'r';
  if (unknown === undefined) return { kind: 'put', plan, values, missing: NONE, snapshot: event.op === 'r', insert };
  const missing = unknown;
  if (missing.length > 0 && plan.filter?.needs.some((index) => missing.includes(index))) {
    throw new StranglerError(
      'SYNC_TOAST_FILTER',
      `The filter of ${plan.source.schema}.${plan.source.table} uses ${missing.map((index) => plan.params[index]).join(', ')}, whose value the source did not send (unchanged TOAST). ` +
        `Run ALTER TABLE ${plan.source.schema}.${plan.source.table} REPLICA IDENTITY FULL on the source, or filter on other columns.`,
    );
  }
  if (plan.key.some((key) => missing.includes(key.param))) keyOf(plan, {}, event);
  return { kind: 'put', plan, values, missing, snapshot: event.op === 'r', insert };
}

export function toOperations(plan: TablePlan, event: ChangeEvent): TargetOperation[] {
  switch (event.op) {
    case 'c':
    case 'r':
      return event.after ? [put(plan, event, event.after)] : [];
    case 'u': {
      if (!event.after) return [];
      const next = put(plan, event, event.after);
      if (event.before) {
        const before = event.before;
        const oldKeyKnown = plan.key.every((key) => (plan.params[key.param] ?? '') in before);
        if (oldKeyKnown) {
          const oldKey = keyOf(plan, before, event);
          const newKey = plan.key.map((key) => next.values[key.param] ?? null);
          if (!sameKey(oldKey, newKey)) return [{ kind: 'delete', plan, key: oldKey }, next];
        }
      }
      return [next];
    }
    case 'd':
      return event.before ? [{ kind: 'delete', plan, key: keyOf(plan, event.before, event) }] : [];
    case 't':
      return [{ kind: 'truncate', plan }];
  }
}
