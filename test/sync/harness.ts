/**
 * Shared set-up for the sync's Postgres tests: a source and a target database of their own on
 * the run's server, a config for them, and helpers to wait for the target to catch up.
 */
import pg from 'pg';
import { isStranglerError, type StranglerError } from '../../common/errors.js';
import { parseSyncConfig } from '../../sync/config/load.js';
import type { SyncConfig } from '../../sync/config/schema.js';
import { dropSlotAndPublication } from '../../sync/source/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

export interface SyncPair {
  source: TestDatabase;
  target: TestDatabase;
  slot: string;
  publication: string;
  env: Record<string, string>;
  config(yamlTables: string, extra?: string): Readonly<SyncConfig>;
  query(which: 'source' | 'target', text: string, values?: unknown[]): Promise<pg.QueryResult>;
  waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  cleanup(): Promise<void>;
}

export async function createSyncPair(prefix: string): Promise<SyncPair> {
  const source = await createTestDatabase(`${prefix}_src`);
  const target = await createTestDatabase(`${prefix}_dst`);
  const slot = `${source.name}_slot`;
  const publication = `${source.name}_pub`;
  const clients = new Map<string, pg.Client>();
  const client = async (which: 'source' | 'target'): Promise<pg.Client> => {
    let c = clients.get(which);
    if (!c) {
      c = new pg.Client({ connectionString: which === 'source' ? source.url : target.url });
      c.on('error', () => clients.delete(which));
      await c.connect();
      clients.set(which, c);
    }
    return c;
  };
  return {
    source,
    target,
    slot,
    publication,
    env: { SRC_URL: source.url, DST_URL: target.url },
    config(tables, extra = '') {
      return parseSyncConfig(
        `source: { urlEnv: SRC_URL }\ntarget: { urlEnv: DST_URL }\nslot: ${slot}\npublication: ${publication}\nmetrics: { listen: "127.0.0.1:0" }\nbatching: { maxWait: 5ms }\nretry: { initial: 50ms, max: 500ms }\n${extra}\ntables:\n${tables}`,
        'test.yaml',
      );
    },
    async query(which, text, values) {
      return (await client(which)).query(text, values);
    },
    async waitFor(read, ok, timeoutMs = 20_000) {
      const started = Date.now();
      let value = await read();
      while (!ok(value)) {
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; last value ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        value = await read();
      }
      return value;
    },
    async cleanup() {
      for (const c of clients.values()) await c.end().catch(() => undefined);
      await dropSlotAndPublication({ connection: { connectionString: source.url }, slot, publication, force: true }).catch(() => undefined);
      await source.drop();
      await target.drop();
    },
  };
}

/** The error a sync (or ingest) run stopped with; throws unless it stopped with a StranglerError. */
export async function failureOf(handle: { readonly done: Promise<void> }): Promise<StranglerError> {
  const failure = await handle.done.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isStranglerError(failure)) throw new Error(`expected the run to stop with a StranglerError, got ${String(failure)}`);
  return failure;
}
