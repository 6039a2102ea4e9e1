/**
 * What the server knows about a replication slot (pg_replication_slots), read on a normal
 * connection, and the checks that turn a bad state into a clear error. Columns differ by
 * version (wal_status since 13, conflicting since 16, invalidation_reason since 17), so the
 * row is read as JSON and only the fields that exist are used.
 */
import pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import { parseLsn, type Lsn } from '../change.js';
import type { ConnectionOptions } from './replication-connection.js';

export interface SlotState {
  name: string;
  exists: boolean;
  plugin: string | undefined;
  database: string | undefined;
  active: boolean;
  activePid: number | undefined;
  confirmedFlushLsn: Lsn | undefined;
  restartLsn: Lsn | undefined;
  /** reserved | extended | unreserved | lost (PostgreSQL 13+). */
  walStatus: string | undefined;
  /** PostgreSQL 16+: invalidated by a recovery conflict; 17+ also gives the reason. */
  conflicting: boolean;
  invalidationReason: string | undefined;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

function field(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

export function slotStateFromRow(name: string, row: unknown): SlotState {
  if (typeof row !== 'object' || row === null) {
    return {
      name,
      exists: false,
      plugin: undefined,
      database: undefined,
      active: false,
      activePid: undefined,
      confirmedFlushLsn: undefined,
      restartLsn: undefined,
      walStatus: undefined,
      conflicting: false,
      invalidationReason: undefined,
    };
  }
  const record = row as Record<string, unknown>;
  const lsn = (key: string): Lsn | undefined => {
    const text = field(record, key);
    return text === undefined ? undefined : parseLsn(text);
  };
  const pid = field(record, 'active_pid');
  return {
    name,
    exists: true,
    plugin: field(record, 'plugin'),
    database: field(record, 'database'),
    active: record.active === true,
    activePid: pid === undefined ? undefined : Number(pid),
    confirmedFlushLsn: lsn('confirmed_flush_lsn'),
    restartLsn: lsn('restart_lsn'),
    walStatus: field(record, 'wal_status'),
    conflicting: record.conflicting === true,
    invalidationReason: field(record, 'invalidation_reason'),
  };
}

export async function querySlot(client: Queryable, name: string): Promise<SlotState> {
  const result = await client.query<{ slot: unknown }>('SELECT to_jsonb(s) AS slot FROM pg_replication_slots s WHERE slot_name = $1', [
    name,
  ]);
  return slotStateFromRow(name, result.rows[0]?.slot);
}

export async function readSlot(connection: ConnectionOptions, name: string): Promise<SlotState> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    return await querySlot(client, name);
  } finally {
    await client.end();
  }
}

/** Throws SYNC_SLOT_MISSING, SYNC_SLOT_INVALIDATED, SYNC_SLOT_IN_USE or SYNC_SLOT_WRONG_PLUGIN for a slot we cannot stream from. */
export function assertSlotUsable(state: SlotState, database?: string): void {
  if (!state.exists) {
    throw new StranglerError(
      'SYNC_SLOT_MISSING',
      `Replication slot "${state.name}" does not exist. Run the sync's setup (it creates the slot and the snapshot) first.`,
      {
        details: { slot: state.name },
      },
    );
  }
  if (state.walStatus === 'lost' || state.conflicting || state.invalidationReason !== undefined) {
    const why =
      state.invalidationReason ?? (state.conflicting ? 'a recovery conflict' : 'wal_status is lost: the WAL it needed was removed');
    throw new StranglerError(
      'SYNC_SLOT_INVALIDATED',
      `Replication slot "${state.name}" was invalidated (${why}); changes since its position are gone. Run \`strangler sync drop\` and start again with a new snapshot; raise max_slot_wal_keep_size (or keep the sync running) to avoid it.`,
      { details: { slot: state.name, walStatus: state.walStatus, reason: why } },
    );
  }
  if (state.active) {
    throw new StranglerError(
      'SYNC_SLOT_IN_USE',
      `Replication slot "${state.name}" is in use by process ${String(state.activePid)}. Stop the other sync, or end that session with \`SELECT pg_terminate_backend(${String(state.activePid)})\`.`,
      { details: { slot: state.name, activePid: state.activePid } },
    );
  }
  if (state.plugin !== undefined && state.plugin !== 'pgoutput') {
    throw new StranglerError(
      'SYNC_SLOT_WRONG_PLUGIN',
      `Replication slot "${state.name}" uses plugin ${state.plugin}, not pgoutput. Drop it or choose another slot name.`,
    );
  }
  if (database !== undefined && state.database !== undefined && state.database !== database) {
    throw new StranglerError(
      'SYNC_SLOT_WRONG_DATABASE',
      `Replication slot "${state.name}" belongs to database ${state.database}, not ${database}. Choose another slot name.`,
    );
  }
}
