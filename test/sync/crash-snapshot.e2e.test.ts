/**
 * The crash test of the INITIAL COPY. Three source tables (40,000 rows: a plain one and a
 * composite text-keyed one that pass COPY text through, and one with a computed column that
 * takes the mapped path) are copied in chunks of 2,000 rows (`snapshot.chunkRows`) by the real CLI
 * (`node dist/cli/main.js sync`), which is killed with SIGKILL six times while it copies, at
 * random moments, while a writer keeps committing into the source (inserts, updates and
 * deletes in ranges already copied and not yet copied). Then it finishes, and:
 * `strangler sync verify` finds no difference; an audit in the target shows that no row was
 * copied by two chunks, and that every writer transaction was applied by the stream exactly
 * once (a resumed copy reads a fresh snapshot, so the stream's overlap may meet rows it
 * already holds, but it must never apply a transaction twice).
 *
 * How far each run gets does not depend on the machine's speed (on a fast one a chunk takes a
 * few milliseconds): a trigger in the target stops every chunk, before it commits, once the
 * copy holds the run's number of rows (`copy_limit`). It waits at a shared advisory lock (the
 * gate) that the test holds until the last run. So each run is killed in the chunk after its
 * limit (reading it, writing it, or waiting at the gate, uncommitted), never past the end of the copy.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBookkeeping } from '../../sync/sink/bookkeeping.js';
import { dropSlotAndPublication } from '../../sync/source/index.js';
import { CLI, runCli } from '../helpers/cli.js';
import { exited, query, sleep, SyncProcesses } from './sync-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';

/** Kills during the copy: the first after its first chunk, the second blind (likely before any chunk), then after progress. */
const KILLS = 6;
const LEDGER_ROWS = 16_000;
const ACCOUNTS = 10_000;
const ITEMS = 14_000;
/** `snapshot.chunkRows` in the config below: 8 + 5 + 7 = 20 chunks. */
const CHUNK_ROWS = 2_000;
/**
 * Where runs 3-6 are killed, in rows copied: the tables are copied in order, ledger (rows 0-16k,
 * COPY text passed through until a kill, then mapped), accounts (16k-26k, mapped: a computed
 * column), items (26k-40k, passed through, then mapped). The gate stops a run in the chunk
 * after its point, so the last window, ending 5 chunks before the end, never lets the copy finish.
 */
const KILL_WINDOWS: Array<[number, number]> = [
  [6_000, 14_000],
  [17_000, 22_000],
  [21_000, 26_000],
  [27_000, 29_000],
];
/** The kill comes at a random moment up to this long after the run reached its limit: reading the next chunk, writing it, or waiting at the gate. */
const KILL_JITTER_MS = 80;
/** Run 2 is killed blind, up to this long after its start (the CLI takes ~0.3-1 s to start copying), with a limit of 0: it commits nothing. */
const BLIND_KILL_MS = 600;
/** The advisory lock key of the gate. */
const GATE = 4_242;
/**
 * The test's own limit. Every wait below is given what is left of it (less a margin), so a run
 * that stalls fails with the wait's message, which names the run and holds the sync's output,
 * instead of a bare test timeout.
 */
const TEST_TIMEOUT_MS = 300_000;
const MARGIN_MS = 15_000;
const PREFIXES = ['a\\b', "it's", 'tab\there', 'émoji ✓', 'plain'];
const itemKey = (g: number): [string, number] => [`${PREFIXES[g % 5] ?? ''}-${Math.floor(g / 1000)}`, g % 1000];

let source: TestDatabase;
let target: TestDatabase;
let dir: string;
let configFile: string;
let slot: string;
let publication: string;
let env: Record<string, string>;
const processes = new SyncProcesses(
  () => configFile,
  () => env,
);
const output = processes.output;

/** Rows the committed chunks hold (snapshot_progress sums them per table). */
const copiedRows = async (): Promise<number> =>
  Number(
    (
      await query<{ n: string }>(
        target.url,
        'SELECT coalesce(sum(rows), 0) AS n FROM strangler_sync.snapshot_progress WHERE slot_name = $1',
        [slot],
      )
    )[0]?.n,
  );

const copyComplete = async (): Promise<boolean> =>
  (await query(target.url, 'SELECT 1 FROM strangler_sync.checkpoint WHERE slot_name = $1', [slot])).length === 1;

/** The gate (see the header): while it is closed, a chunk after the copy's limit waits before it commits. */
class Gate {
  private client: pg.Client | undefined;

  async close(): Promise<void> {
    if (this.client) return;
    this.client = new pg.Client({ connectionString: target.url });
    await this.client.connect();
    await this.client.query('SELECT pg_advisory_lock($1)', [GATE]);
  }

  /** The copy's rows at which the next chunk stops. */
  async limit(rows: number): Promise<void> {
    await query(target.url, 'UPDATE copy_limit SET rows = $1', [rows]);
  }

  async open(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }
}

/**
 * Ends the target sessions a killed run left behind. PostgreSQL ends them itself when they
 * next read from their closed connection, but one waiting at the gate reads only once the gate
 * opens, which could be after the next run has started. Their chunks roll back, as they would
 * without the gate.
 */
async function endSessionsOfKilledRun(): Promise<void> {
  await query(
    target.url,
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'strangler-sync'",
  );
}

/** Commits one transaction after another into the source: every kind of change, all over the key ranges. */
class Writer {
  committed = 0;
  failure: unknown;
  private running = true;
  private loop: Promise<void> | undefined;

  start(): void {
    this.loop = this.run().catch((error: unknown) => {
      this.failure = error;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    if (this.failure) throw this.failure;
  }

  private async run(): Promise<void> {
    const client = new pg.Client({ connectionString: source.url });
    client.on('error', (error: unknown) => (this.failure ??= error));
    await client.connect();
    try {
      while (this.running) {
        const n = this.committed + 1;
        await client.query('BEGIN');
        await client.query('INSERT INTO ledger VALUES ($1, $2, $3)', [n, `${n}.000125`, `tx ${n}`]);
        await client.query("UPDATE ledger SET note = note || ' +' || $2 WHERE tx_no = $1", [-(((n * 7919) % LEDGER_ROWS) + 1), n]);
        await client.query('UPDATE accounts SET balance = balance + 1.5, last_tx = $2 WHERE id = $1', [
          ((n * 104_729) % (ACCOUNTS - 1)) + 1,
          n,
        ]);
        // Row 0 counts the writer's transactions: the target has caught up when it holds the last one.
        await client.query('UPDATE accounts SET balance = balance + 1, last_tx = $1 WHERE id = 0', [n]);
        if (n % 5 === 0) await client.query('DELETE FROM items WHERE sku = $1 AND n = $2', itemKey((n * 7_919) % ITEMS));
        if (n % 3 === 0) await client.query('INSERT INTO items VALUES ($1, $2, $3)', [`new-${n}`, n % 1000, `new ${n}`]);
        await client.query('COMMIT');
        this.committed = n;
        await sleep(2);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -p tsconfig.build.json\` first (npm test builds before vitest).`);
  source = await createTestDatabase('crash_snap_src');
  target = await createTestDatabase('crash_snap_dst');
  slot = `${source.name}_slot`;
  publication = `${source.name}_pub`;
  env = { CRASH_SNAP_SOURCE_URL: source.url, CRASH_SNAP_TARGET_URL: target.url };

  const src = new pg.Client({ connectionString: source.url });
  await src.connect();
  await src.query('CREATE TABLE ledger (tx_no bigint PRIMARY KEY, amount numeric(20,6) NOT NULL, note text NOT NULL)');
  await src.query(`INSERT INTO ledger SELECT -g, g * 0.5, 'seed ' || g FROM generate_series(1, ${LEDGER_ROWS}) g`);
  await src.query(
    'CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(20,6) NOT NULL, last_tx bigint NOT NULL)',
  );
  await src.query(`INSERT INTO accounts SELECT g, 'owner ' || g, g * 1.25, 0 FROM generate_series(0, ${ACCOUNTS - 1}) g`);
  // A composite key of awkward text (backslash, quote, tab, non-ASCII): the resume point is a text literal.
  await src.query('CREATE TABLE items (sku text, n int, label text NOT NULL, PRIMARY KEY (sku, n))');
  await src.query(
    `INSERT INTO items SELECT ($1::text[])[1 + g % 5] || '-' || (g / 1000), g % 1000, 'label ' || g FROM generate_series(0, ${ITEMS - 1}) g`,
    [PREFIXES],
  );
  await src.end();

  const dst = new pg.Client({ connectionString: target.url });
  await dst.connect();
  await dst.query('CREATE TABLE ledger_copy (tx_no bigint PRIMARY KEY, amount numeric(20,6) NOT NULL, memo text NOT NULL)');
  await dst.query(
    'CREATE TABLE accounts_copy (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(20,6) NOT NULL, last_tx bigint NOT NULL, balance_cents bigint NOT NULL)',
  );
  await dst.query('CREATE TABLE items_copy (sku text, n int, label text NOT NULL, PRIMARY KEY (sku, n))');
  // The audit. Every row the sync writes is logged with its target transaction; the sync's own
  // bookkeeping tells what kind that transaction was: a chunk of the copy (snapshot_progress)
  // or a batch of the stream (checkpoint).
  await ensureBookkeeping(dst);
  await dst.query('CREATE TABLE apply_log (tbl text NOT NULL, key text NOT NULL, txid bigint NOT NULL)');
  await dst.query('CREATE TABLE target_tx (txid bigint NOT NULL, kind text NOT NULL, PRIMARY KEY (txid, kind))');
  await dst.query(
    `CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
       INSERT INTO apply_log VALUES (TG_TABLE_NAME, (SELECT string_agg(to_jsonb(NEW) ->> k, '|') FROM unnest(TG_ARGV) AS k), txid_current());
       RETURN NEW; END $$`,
  );
  await dst.query(
    `CREATE FUNCTION audit_tx() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
       INSERT INTO target_tx VALUES (txid_current(), TG_ARGV[0]) ON CONFLICT DO NOTHING; RETURN NEW; END $$`,
  );
  for (const [table, keys] of [
    ['ledger_copy', "'tx_no'"],
    ['accounts_copy', "'id'"],
    ['items_copy', "'sku', 'n'"],
  ] as const) {
    await dst.query(`CREATE TRIGGER audit AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_row(${keys})`);
    // The sync applies with session_replication_role = replica, like PostgreSQL's own apply worker.
    await dst.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER audit`);
  }
  for (const [table, kind] of [
    ['strangler_sync.snapshot_progress', 'chunk'],
    ['strangler_sync.checkpoint', 'stream'],
  ] as const) {
    await dst.query(`CREATE TRIGGER audit AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_tx('${kind}')`);
    await dst.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER audit`);
  }
  await dst.query('CREATE TABLE copy_limit (rows bigint NOT NULL)');
  await dst.query('INSERT INTO copy_limit VALUES (0)');
  await dst.query(
    `CREATE FUNCTION chunk_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
       IF (SELECT coalesce(sum(rows), 0) FROM strangler_sync.snapshot_progress) >= (SELECT rows FROM copy_limit) THEN
         PERFORM pg_advisory_xact_lock_shared(${GATE});
       END IF;
       RETURN NEW; END $$`,
  );
  await dst.query(
    'CREATE TRIGGER gate BEFORE INSERT OR UPDATE ON strangler_sync.snapshot_progress FOR EACH ROW EXECUTE FUNCTION chunk_gate()',
  );
  await dst.query('ALTER TABLE strangler_sync.snapshot_progress ENABLE ALWAYS TRIGGER gate');
  await dst.end();

  dir = mkdtempSync(join(tmpdir(), 'strangler-crash-snapshot-'));
  configFile = join(dir, 'sync.yaml');
  writeFileSync(
    configFile,
    `source: { urlEnv: CRASH_SNAP_SOURCE_URL }
target: { urlEnv: CRASH_SNAP_TARGET_URL }
slot: ${slot}
publication: ${publication}
metrics: { listen: "127.0.0.1:0" }
retry: { initial: 50ms, max: 500ms }
batching: { maxTransactions: 50, maxWait: 10ms }
snapshot: { chunkRows: ${CHUNK_ROWS} }
heartbeat: 1s
tables:
  - source: public.ledger
    target: ledger_copy
    columns: { note: memo }
  - source: public.accounts
    target: accounts_copy
    computed: { balance_cents: "round($balance * 100)::bigint" }
  - source: public.items
    target: items_copy
`,
  );
}, 120_000);

afterAll(async () => {
  if (source) {
    await dropSlotAndPublication({ connection: { connectionString: source.url }, slot, publication, force: true }).catch(() => undefined);
    await source.drop();
  }
  await target?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sync crash test of the initial copy', () => {
  it(
    'resumes a chunked copy after 6 SIGKILLs under a concurrent writer, without a difference or a transaction applied twice',
    async () => {
      const deadline = Date.now() + TEST_TIMEOUT_MS - MARGIN_MS;
      const left = (): number => Math.max(1_000, deadline - Date.now());
      const writer = new Writer();
      const gate = new Gate();
      try {
        await crashAndFinish(writer, gate, left);
      } finally {
        await gate.open().catch(() => undefined);
        await writer.stop().catch(() => undefined);
      }
    },
    TEST_TIMEOUT_MS,
  );
});

/** The six killed runs, the run that finishes, and every check of the header. */
async function crashAndFinish(writer: Writer, gate: Gate, left: () => number): Promise<void> {
  const afterKill: number[] = [];
  const runMs: number[] = [];
  await gate.close();
  for (let kill = 1; kill <= KILLS; kill++) {
    const before = await copiedRows();
    // Runs 3-6 copy up to a random point in a window: the kills land in each table and on both paths.
    const window = KILL_WINDOWS[kill - 3];
    const until = window ? Math.max(before + 1, window[0] + Math.floor(Math.random() * (window[1] - window[0]))) : before + 1;
    // Run 2 has no chunk to commit: it is killed while starting or in its first chunk.
    await gate.limit(kill === 2 ? 0 : until);
    const runStarted = Date.now();
    const child = processes.spawn();
    if (kill !== 2) await processes.waitFor(async () => (await copiedRows()) >= until, left(), `run ${kill} to copy ${until} rows`);
    // The slot exists (with its consistent point) once a chunk is committed: the writer's changes are all streamed.
    if (kill === 1) writer.start();
    // A random moment: reading the next chunk, writing it, waiting at the gate, or (run 2) while starting.
    await sleep(Math.floor(Math.random() * (kill === 2 ? BLIND_KILL_MS : KILL_JITTER_MS)));
    child.kill('SIGKILL');
    await exited(child);
    await endSessionsOfKilledRun();
    output.push(`\n----- killed #${kill}\n`);
    afterKill.push(await copiedRows());
    runMs.push(Date.now() - runStarted);
    // Every kill hit the copy, never the stream.
    expect(await copyComplete(), `run ${kill} finished the copy before it was killed`).toBe(false);
  }
  console.log(
    `crash-snapshot test: rows copied after each kill ${afterKill.join(' ')}, in runs of ${runMs.join(' ')} ms; writer at ${writer.committed}`,
  );
  expect(afterKill[afterKill.length - 1]).toBeLessThan(LEDGER_ROWS + ACCOUNTS + ITEMS);
  // snapshot.chunkRows took effect: run 1, killed just after its first chunks, had not copied the whole ledger.
  expect(afterKill[0]).toBeLessThan(LEDGER_ROWS);

  await gate.open();
  const child = processes.spawn();
  const lastRun = Date.now();
  await processes.waitFor(copyComplete, left(), 'the copy to complete');
  console.log(`crash-snapshot test: the last run completed the copy in ${Date.now() - lastRun} ms`);
  await sleep(1_000);
  await writer.stop();
  expect(writer.committed).toBeGreaterThan(100);
  await processes.waitFor(
    async () =>
      Number((await query<{ n: string }>(target.url, 'SELECT last_tx AS n FROM accounts_copy WHERE id = 0'))[0]?.n) === writer.committed,
    left(),
    `the target to catch up to ${writer.committed} transactions`,
  );
  child.kill('SIGTERM');
  expect(await exited(child)).toBe(130);

  const verify = await runCli(['sync', 'verify', '--config', configFile], { env });
  expect(verify.stdout + verify.stderr).toContain('verify: source and target agree on 3 table(s)');
  expect(verify.code).toBe(0);

  // No row was written by two chunks (a chunk's rows and its progress commit together).
  const copiedTwice = await query(
    target.url,
    `SELECT tbl, key, count(*) AS n FROM apply_log JOIN target_tx USING (txid) WHERE kind = 'chunk' GROUP BY tbl, key HAVING count(*) > 1 LIMIT 5`,
  );
  expect(copiedTwice).toEqual([]);
  // The stream applied every writer transaction exactly once: its ledger row once, the counter row once per transaction.
  const streamed = await query<{ ledger_rows: string; ledger_writes: string; counter_writes: string }>(
    target.url,
    `SELECT count(DISTINCT key) FILTER (WHERE tbl = 'ledger_copy' AND key NOT LIKE '-%') AS ledger_rows,
              count(*) FILTER (WHERE tbl = 'ledger_copy' AND key NOT LIKE '-%') AS ledger_writes,
              count(*) FILTER (WHERE tbl = 'accounts_copy' AND key = '0') AS counter_writes
         FROM apply_log JOIN target_tx USING (txid) WHERE kind = 'stream'`,
  );
  expect(streamed[0]).toEqual({
    ledger_rows: String(writer.committed),
    ledger_writes: String(writer.committed),
    counter_writes: String(writer.committed),
  });
  // Each table went through several chunks, over several runs.
  const progress = await query<{ source_table: string; rows: string; done: boolean }>(
    target.url,
    'SELECT source_table, rows, done FROM strangler_sync.snapshot_progress WHERE slot_name = $1 ORDER BY source_table',
    [slot],
  );
  expect(progress.map((row) => row.done)).toEqual([true, true, true]);
  // (A resumed chunk reads a later snapshot: rows the writer deleted before their chunk are not in it.)
  const chunkRows = progress.reduce((sum, row) => sum + Number(row.rows), 0);
  expect(chunkRows).toBeGreaterThanOrEqual(LEDGER_ROWS + ACCOUNTS + ITEMS - writer.committed / 5);

  const drop = await runCli(['sync', 'drop', '--config', configFile], { env });
  expect(drop.code).toBe(0);
}
