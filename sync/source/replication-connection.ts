/**
 * A walsender connection (`replication: 'database'`) on the `pg` package: the replication
 * commands we use and the CopyBoth stream of START_REPLICATION (PostgreSQL docs,
 * "Streaming Replication Protocol"). pg's Client has no API for CopyBoth, so we use the
 * small surface it does expose: `client.connection.stream` is the socket, whose CopyData
 * frames we read ourselves (copy-both-reader.ts; the rest still goes to pg's parser), which
 * we pause/resume for backpressure and write our own CopyData frames to.
 */
import pg from 'pg';
import { StranglerError, messageOf } from '../../common/errors.js';
import { parseLsn, type Lsn, formatLsn } from '../change.js';
import { CopyBothReader } from './copy-both-reader.js';
import { checkName } from './names.js';
import { copyDataFrame, copyDoneFrame } from './replication-protocol.js';

export type ConnectionOptions = pg.ClientConfig;

export interface SystemIdentity {
  systemId: string;
  timeline: number;
  /** The current WAL flush location. */
  xlogPos: Lsn;
  dbName: string;
}

export interface CreatedSlot {
  slotName: string;
  /** The slot's consistent point: streaming from here follows the exported snapshot without gap or overlap. */
  consistentPoint: Lsn;
  /** The exported snapshot's id, valid until this connection runs its next command or closes. */
  snapshotName: string | undefined;
}

export interface StartOptions {
  slot: string;
  publication: string;
  /** 0/0 lets the server start at the slot's confirmed_flush_lsn. */
  startLsn: Lsn;
  /** Called synchronously with each CopyData payload; the buffer is reused afterwards. */
  onData: (chunk: Buffer) => void;
}

/** `pg` DatabaseError fields we read: the SQLSTATE and the server's message. */
function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function chunkOf(message: unknown): Buffer | undefined {
  if (typeof message === 'object' && message !== null && 'chunk' in message && Buffer.isBuffer(message.chunk)) return message.chunk;
  return undefined;
}

function text(row: Record<string, unknown> | undefined, key: string): string {
  const value = row?.[key];
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/** Maps a server error on a replication command to a StranglerError with a stable code. */
export function replicationError(error: unknown, slot: string): StranglerError {
  const message = messageOf(error);
  const state = sqlState(error);
  if (state === '55006' || /is active for PID/i.test(message)) {
    const pid = /PID (\d+)/i.exec(message)?.[1];
    return new StranglerError(
      'SYNC_SLOT_IN_USE',
      `Replication slot "${slot}" is in use by another process${pid ? ` (active_pid ${pid})` : ''}. Stop the other sync (or run \`SELECT pg_terminate_backend(${pid ?? '<active_pid>'})\`), then start again.`,
      { cause: error, details: { slot, activePid: pid === undefined ? undefined : Number(pid) } },
    );
  }
  if (/can no longer (get changes|access)|invalidated|has been invalidated/i.test(message)) {
    return new StranglerError(
      'SYNC_SLOT_INVALIDATED',
      `Replication slot "${slot}" was invalidated (the server removed WAL it still needed: ${message}). Changes were lost: run \`strangler sync drop\`, then start over with a new snapshot.`,
      { cause: error, details: { slot } },
    );
  }
  if (state === '42704' && /replication slot/i.test(message)) {
    return new StranglerError(
      'SYNC_SLOT_MISSING',
      `Replication slot "${slot}" does not exist. Run the sync's setup (it creates the slot) first.`,
      {
        cause: error,
        details: { slot },
      },
    );
  }
  if (state === '42501' || /permission denied|must be superuser or replication role|REPLICATION attribute/i.test(message)) {
    return new StranglerError(
      'SYNC_NO_REPLICATION_ROLE',
      `The role may not use replication (${message}). Run \`ALTER ROLE <user> WITH REPLICATION\` as a superuser, or connect as a role that has it.`,
      { cause: error },
    );
  }
  if (/publication .* does not exist/i.test(message)) {
    return new StranglerError('SYNC_PUBLICATION_MISSING', `${message}. Run the sync's setup (it creates the publication) first.`, {
      cause: error,
    });
  }
  return new StranglerError('SYNC_REPLICATION_FAILED', `Logical replication from slot "${slot}" failed: ${message}`, {
    cause: error,
    details: state === undefined ? {} : { sqlState: state },
  });
}

export class ReplicationConnection {
  private streaming: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly client: pg.Client,
    readonly serverVersion: number,
    /** The walsender's process id (pg_backend_pid()), to wait for its exit after close(). */
    readonly backendPid: number,
  ) {}

  static async open(options: ConnectionOptions): Promise<ReplicationConnection> {
    // `replication` is a startup parameter pg passes through (client.js); @types/pg lacks it.
    const config: ConnectionOptions & { replication: 'database' } = { ...options, replication: 'database' };
    const client = new pg.Client(config);
    try {
      await client.connect();
    } catch (error) {
      const message = messageOf(error);
      if (/replication connection|pg_hba\.conf.*replication|REPLICATION attribute|must be superuser or replication role/i.test(message)) {
        throw new StranglerError(
          'SYNC_NO_REPLICATION_ROLE',
          `The server refused a replication connection (${message}). Give the role REPLICATION (\`ALTER ROLE <user> WITH REPLICATION\`) and allow it in pg_hba.conf (a \`host replication\` line).`,
          { cause: error },
        );
      }
      throw new StranglerError('SYNC_SOURCE_UNREACHABLE', `Cannot open a replication connection to the source: ${message}`, {
        cause: error,
      });
    }
    // Without a listener an 'error' event would crash the process; failures surface through the stream instead.
    client.on('error', () => undefined);
    const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    // A database walsender also runs plain SQL (docs, "Streaming Replication Protocol").
    const pid = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return new ReplicationConnection(client, Number(text(version.rows[0], 'server_version_num')), Number(pid.rows[0]?.pid ?? 0));
  }

  async identifySystem(): Promise<SystemIdentity> {
    const result = await this.client.query<Record<string, unknown>>('IDENTIFY_SYSTEM');
    const row = result.rows[0];
    return {
      systemId: text(row, 'systemid'),
      timeline: Number(text(row, 'timeline')),
      xlogPos: parseLsn(text(row, 'xlogpos')),
      dbName: text(row, 'dbname'),
    };
  }

  /**
   * CREATE_REPLICATION_SLOT name LOGICAL pgoutput, with an exported snapshot when asked.
   * PostgreSQL 15 introduced the option list `(SNAPSHOT 'export')`; older servers take
   * the keyword `EXPORT_SNAPSHOT` (docs, "Streaming Replication Protocol").
   */
  async createLogicalSlot(name: string, exportSnapshot: boolean): Promise<CreatedSlot> {
    checkName('slot', name);
    const options =
      this.serverVersion >= 150000
        ? `(SNAPSHOT '${exportSnapshot ? 'export' : 'nothing'}')`
        : exportSnapshot
          ? 'EXPORT_SNAPSHOT'
          : 'NOEXPORT_SNAPSHOT';
    let result;
    try {
      result = await this.client.query<Record<string, unknown>>(`CREATE_REPLICATION_SLOT ${name} LOGICAL pgoutput ${options}`);
    } catch (error) {
      if (sqlState(error) === '42710') {
        throw new StranglerError('SYNC_SLOT_EXISTS', `Replication slot "${name}" already exists; resume from it, or drop it first.`, {
          cause: error,
        });
      }
      throw replicationError(error, name);
    }
    const row = result.rows[0];
    const snapshotName = text(row, 'snapshot_name');
    return {
      slotName: text(row, 'slot_name'),
      consistentPoint: parseLsn(text(row, 'consistent_point')),
      snapshotName: snapshotName || undefined,
    };
  }

  /**
   * START_REPLICATION SLOT name LOGICAL lsn (pgoutput options: proto_version 1,
   * publication_names, messages). The server answers with CopyBothResponse and then streams
   * CopyData; the returned promise settles when the stream ends (an error rejects it).
   */
  startLogical(options: StartOptions): Promise<void> {
    if (this.streaming) throw new Error('START_REPLICATION was already sent on this connection');
    checkName('slot', options.slot);
    checkName('publication', options.publication);
    this.readCopyData(options.onData);
    const sql = `START_REPLICATION SLOT ${options.slot} LOGICAL ${formatLsn(options.startLsn)} (proto_version '1', publication_names '${options.publication}', messages 'false')`;
    const ended = new Promise<void>((resolve, reject) => {
      this.client.once('end', () => (this.closed ? resolve() : reject(new Error('the replication connection closed'))));
    });
    this.streaming = Promise.race([
      this.client.query(sql).then(
        () => undefined,
        (error: unknown) => {
          if (this.closed) return;
          throw replicationError(error, options.slot);
        },
      ),
      ended,
    ]).catch((error: unknown) => {
      if (this.closed) return;
      throw error instanceof StranglerError ? error : replicationError(error, options.slot);
    });
    return this.streaming;
  }

  /**
   * CopyData goes from the socket to `onData` through a CopyBothReader; pg's own data listener
   * gets every other byte. (Without such a listener — another pg version — pg's `copyData`
   * events are used instead.)
   */
  private readCopyData(onData: (chunk: Buffer) => void): void {
    const socket = this.client.connection.stream;
    const pgListeners = socket.listeners('data') as Array<(chunk: Buffer) => void>;
    if (pgListeners.length === 0) {
      this.client.connection.on('copyData', (message: unknown) => {
        const chunk = chunkOf(message);
        if (chunk) onData(chunk);
      });
      return;
    }
    for (const listener of pgListeners) socket.removeListener('data', listener);
    const reader = new CopyBothReader((bytes) => {
      for (const listener of pgListeners) listener.call(socket, bytes);
    }, onData);
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  }

  /** Sends one CopyData frame (e.g. a Standby Status Update). */
  send(payload: Buffer): void {
    const socket = this.client.connection.stream;
    if (!this.closed && socket.writable) socket.write(copyDataFrame(payload));
  }

  pause(): void {
    this.client.connection.stream.pause();
  }

  resume(): void {
    this.client.connection.stream.resume();
  }

  /** Ends the stream (CopyDone) and the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const socket = this.client.connection.stream;
    if (this.streaming && socket.writable) socket.write(copyDoneFrame());
    socket.resume();
    await this.client.end().catch(() => undefined);
    await this.streaming?.catch(() => undefined);
  }
}
