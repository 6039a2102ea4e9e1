/**
 * Setup and validation of the capture side: wal_level, the REPLICATION attribute, the
 * tables (exist, replicable), the publication (FOR TABLE list) and the persistent slot;
 * `dropSlotAndPublication` for `strangler sync drop`; slot lag for the metrics.
 */
import pg from 'pg';
import { StranglerError } from '../../common/errors.js';
import { parseLsn, type Lsn } from '../change.js';
import { assertReplicable, describeTable, qualified, type TableInfo, type TableName } from './catalog.js';
import { checkName } from './names.js';
import { ReplicationConnection, type ConnectionOptions } from './replication-connection.js';
import { assertSlotUsable, querySlot, type SlotState } from './slot-state.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Interprets `SHOW wal_level`: anything but `logical` is SYNC_WAL_LEVEL with the fix. */
export function checkWalLevel(value: string): void {
  if (value.trim().toLowerCase() === 'logical') return;
  throw new StranglerError(
    'SYNC_WAL_LEVEL',
    `The source server runs with wal_level = ${value.trim() || '(unknown)'}; logical replication needs wal_level = logical. As a superuser run \`ALTER SYSTEM SET wal_level = logical\`, then restart PostgreSQL (e.g. \`pg_ctl restart\` or \`systemctl restart postgresql\`); on a managed service set the parameter (e.g. rds.logical_replication = 1) and reboot.`,
    { details: { walLevel: value } },
  );
}

/** Throws SYNC_NO_REPLICATION_ROLE unless the current role is a superuser or has REPLICATION. */
export async function checkReplicationRole(client: Queryable): Promise<void> {
  const result = await client.query<{ name: string; replication: boolean; superuser: boolean }>(
    'SELECT rolname AS name, rolreplication AS replication, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
  );
  const role = result.rows[0];
  if (role && (role.replication || role.superuser)) return;
  const name = role?.name ?? 'the connecting role';
  throw new StranglerError(
    'SYNC_NO_REPLICATION_ROLE',
    `Role ${name} may not use logical replication. As a superuser run \`ALTER ROLE ${name} WITH REPLICATION\` (and allow it in pg_hba.conf), or connect as a role that has it.`,
    { details: { role: name } },
  );
}

export interface PublicationState {
  exists: boolean;
  /** schema.table of every table it publishes. */
  tables: string[];
  /** Publishes inserts, updates, deletes and truncates. */
  allOperations: boolean;
}

export async function queryPublication(client: Queryable, name: string): Promise<PublicationState> {
  const pub = await client.query<{ ops: boolean }>(
    'SELECT (pubinsert AND pubupdate AND pubdelete AND pubtruncate) AS ops FROM pg_publication WHERE pubname = $1',
    [name],
  );
  const row = pub.rows[0];
  if (!row) return { exists: false, tables: [], allOperations: false };
  const tables = await client.query<{ name: string }>(
    "SELECT schemaname || '.' || tablename AS name FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1",
    [name],
  );
  return { exists: true, tables: tables.rows.map((t) => t.name), allOperations: row.ops };
}

/** Creates the publication FOR TABLE the list, or adds the tables an existing one lacks. */
export async function ensurePublication(client: Queryable, name: string, tables: readonly TableName[]): Promise<PublicationState> {
  checkName('publication', name);
  const state = await queryPublication(client, name);
  const list = (names: readonly TableName[]): string => names.map(qualified).join(', ');
  if (!state.exists) {
    // Changes of a partitioned table's partitions are published under the table itself.
    await client.query(`CREATE PUBLICATION ${name} FOR TABLE ${list(tables)} WITH (publish_via_partition_root = true)`);
  } else {
    const have = new Set(state.tables);
    const missing = tables.filter((t) => !have.has(`${t.schema}.${t.table}`));
    if (missing.length > 0) await client.query(`ALTER PUBLICATION ${name} ADD TABLE ${list(missing)}`);
    if (!state.allOperations) await client.query(`ALTER PUBLICATION ${name} SET (publish = 'insert, update, delete, truncate')`);
  }
  return queryPublication(client, name);
}

export interface ValidateOptions {
  tables: readonly TableName[];
}

export interface Validated {
  serverVersion: number;
  database: string;
  tables: TableInfo[];
}

/** Every check that does not change anything: wal_level, role, tables. */
export async function validateSource(client: Queryable, options: ValidateOptions): Promise<Validated> {
  const wal = await client.query<{ wal_level: string }>('SHOW wal_level');
  checkWalLevel(wal.rows[0]?.wal_level ?? '');
  await checkReplicationRole(client);
  const tables: TableInfo[] = [];
  for (const name of options.tables) {
    const info = await describeTable(client, name);
    assertReplicable(info);
    tables.push(info);
  }
  const info = await client.query<{ version: string; database: string }>(
    "SELECT current_setting('server_version_num') AS version, current_database() AS database",
  );
  return { serverVersion: Number(info.rows[0]?.version ?? 0), database: info.rows[0]?.database ?? '', tables };
}

export interface SetupOptions extends ValidateOptions {
  connection: ConnectionOptions;
  slot: string;
  publication: string;
}

export interface SetupResult extends Validated {
  publication: PublicationState;
  /** The slot as it is now; `exists: false` means openSnapshot() must create it. */
  slot: SlotState;
}

/**
 * Validates the source and ensures the publication. The slot is not created here: a new
 * slot must be created together with its exported snapshot (openSnapshot). An existing slot
 * is checked (in use, invalidated, plugin, database).
 */
export async function setupSource(options: SetupOptions): Promise<SetupResult> {
  checkName('slot', options.slot);
  checkName('publication', options.publication);
  const client = new pg.Client(options.connection);
  await client.connect();
  try {
    const validated = await validateSource(client, options);
    const publication = await ensurePublication(client, options.publication, options.tables);
    const slot = await querySlot(client, options.slot);
    if (slot.exists) assertSlotUsable(slot, validated.database);
    return { ...validated, publication, slot };
  } finally {
    await client.end();
  }
}

export interface DropOptions {
  connection: ConnectionOptions;
  slot: string;
  publication: string;
  /** End the session that holds the slot instead of failing with SYNC_SLOT_IN_USE. */
  force?: boolean;
}

/** Drops the slot (releasing its WAL) and the publication. Missing ones are fine. */
export async function dropSlotAndPublication(options: DropOptions): Promise<{ slotDropped: boolean; publicationDropped: boolean }> {
  checkName('slot', options.slot);
  checkName('publication', options.publication);
  const client = new pg.Client(options.connection);
  await client.connect();
  try {
    const slot = await querySlot(client, options.slot);
    if (slot.exists && slot.active) {
      if (!options.force) assertSlotUsable(slot);
      await client.query('SELECT pg_terminate_backend($1)', [slot.activePid]);
      for (let i = 0; i < 50 && (await querySlot(client, options.slot)).active; i++) await new Promise((r) => setTimeout(r, 100));
    }
    if (slot.exists) await client.query('SELECT pg_drop_replication_slot($1)', [options.slot]);
    const pub = await queryPublication(client, options.publication);
    if (pub.exists) await client.query(`DROP PUBLICATION ${options.publication}`);
    return { slotDropped: slot.exists, publicationDropped: pub.exists };
  } finally {
    await client.end();
  }
}

export interface SlotLag {
  /** WAL the slot retains beyond what was acknowledged: pg_current_wal_lsn() - confirmed_flush_lsn. */
  bytes: number;
  currentLsn: Lsn;
  confirmedFlushLsn: Lsn | undefined;
  active: boolean;
  walStatus: string | undefined;
}

/** Slot lag in bytes (seconds come from the source: PgChangeSource.lagSeconds()). */
export async function readSlotLag(client: Queryable, slot: string): Promise<SlotLag> {
  const current = await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const currentLsn = parseLsn(current.rows[0]?.lsn ?? '0/0');
  const state = await querySlot(client, slot);
  const confirmed = state.confirmedFlushLsn;
  return {
    bytes: confirmed === undefined ? 0 : Math.max(0, Number(currentLsn - confirmed)),
    currentLsn,
    confirmedFlushLsn: confirmed,
    active: state.active,
    walStatus: state.walStatus,
  };
}

/**
 * Creates the persistent slot without a snapshot (when the target is loaded some other way)
 * and returns its consistent point. For an initial copy use openSnapshot(), which creates
 * the slot together with its exported snapshot.
 */
export async function createSlot(connection: ConnectionOptions, slot: string): Promise<Lsn> {
  const replication = await ReplicationConnection.open(connection);
  try {
    return (await replication.createLogicalSlot(slot, false)).consistentPoint;
  } finally {
    await replication.close();
  }
}
