/**
 * Where a PostgreSQL server comes from (an existing one named by a URL, or an embedded one
 * started for us) and how to make a database of one's own on it.
 */
import pg from 'pg';
import { StranglerError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface PostgresHandle {
  /** Admin URL (a superuser on the `postgres` database, or whatever the URL named). */
  readonly url: string;
  readonly embedded: boolean;
  /** Stops the server if we started it; does nothing for an existing server. */
  stop(): Promise<void>;
}

/**
 * Uses the server named by the first of `envNames` that is set in `env`, or starts an
 * embedded one.
 */
export async function obtainPostgres(
  options: {
    env?: NodeJS.ProcessEnv;
    envNames?: readonly string[];
    logger?: Logger;
  } = {},
): Promise<PostgresHandle> {
  const env = options.env ?? process.env;
  for (const name of options.envNames ?? ['DATABASE_URL']) {
    const url = env[name];
    if (url !== undefined && url !== '') {
      return { url, embedded: false, stop: () => Promise.resolve() };
    }
  }
  const server = await startEmbeddedPostgres({ logger: options.logger ?? silentLogger });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/' + encodeURIComponent(database);
  return parsed.toString();
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function checkName(name: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new StranglerError(
      'PG_BAD_DATABASE_NAME',
      `"${name}" is not a plain lower-case database name; use letters, digits and underscores.`,
    );
  }
}

/** Creates database `name` on the server at `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  checkName(name);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}

/** Drops database `name`, ending its sessions and dropping its replication slots first. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  checkName(name);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    const slots = await client.query<{ slot_name: string }>(
      'SELECT slot_name FROM pg_replication_slots WHERE database = $1 AND NOT active',
      [name],
    );
    for (const row of slots.rows) await client.query('SELECT pg_drop_replication_slot($1)', [row.slot_name]);
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await client.end();
  }
}
