/**
 * THE crash test. A writer commits transactions into the source while the sync PROCESS
 * (`node dist/cli/main.js sync --config …`) is killed with SIGKILL at random moments, 20 times;
 * the source PostgreSQL crashes and restarts once (immediate shutdown: the slot rewinds and
 * re-sends acknowledged transactions); the target is unreachable for a while (a TCP proxy in
 * front of it is cut) and comes back. Afterwards `strangler sync verify` finds no difference,
 * and an audit trigger in the target shows that no source transaction was applied twice.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../common/pg/embedded-postgres.js';
import { createDatabase } from '../../common/pg/databases.js';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { exited, query, sleep, SyncProcesses } from './sync-process.js';

const KILLS = 20;

interface Proxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy to the target: cut() drops every connection and refuses new ones until restore(). */
function startProxy(targetPort: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : 0,
        cut() {
          cut = true;
          for (const socket of sockets) socket.destroy();
          sockets.clear();
        },
        restore() {
          cut = false;
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** Commits one transaction after another into the source, surviving the source's restart. */
class Writer {
  committed = 0;
  private running = true;
  private loop: Promise<void> | undefined;
  constructor(private readonly url: string) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async connect(): Promise<pg.Client> {
    for (;;) {
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return client;
      } catch {
        await client.end().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async run(): Promise<void> {
    let client = await this.connect();
    while (this.running) {
      const next = this.committed + 1;
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO ledger (tx_no, amount, note) VALUES ($1, $2, $3)', [
          next,
          `${next}.${String(next % 1000).padStart(3, '0')}001`,
          `tx ${next} ✓`,
        ]);
        await client.query('UPDATE balance SET total = total + $1::numeric, tx_count = tx_count + 1, last_tx = $2 WHERE id = 1', [
          `${next}.5`,
          next,
        ]);
        if (next % 7 === 0) await client.query('DELETE FROM ledger WHERE tx_no = $1', [next - 5]);
        await client.query('COMMIT');
        this.committed = next;
      } catch {
        // The outcome of a COMMIT cut off by the crash is unknown: reconnect and look.
        await client.end().catch(() => undefined);
        client = await this.connect();
        const last = await client.query<{ last_tx: string }>('SELECT last_tx FROM balance WHERE id = 1').catch(() => undefined);
        if (Number(last?.rows[0]?.last_tx ?? this.committed) === next) this.committed = next;
      }
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await client.end().catch(() => undefined);
  }
}

let sourceServer: EmbeddedPostgres;
let sourceUrl: string;
let target: TestDatabase;
let proxy: Proxy;
let dir: string;
let configFile: string;
let env: Record<string, string>;
const processes = new SyncProcesses(
  () => configFile,
  () => env,
  4_000,
);
const output = processes.output;

async function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [CLI, 'sync', ...args, '--config', configFile], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { code: await exited(child), out };
}

/** How many writer transactions the target holds (the writer counts them in balance.tx_count). */
const appliedCount = async (): Promise<number> =>
  Number((await query<{ n: string }>(target.url, 'SELECT tx_count AS n FROM balance_copy WHERE id = 1'))[0]?.n);

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test builds before vitest).`);
  sourceServer = await startEmbeddedPostgres();
  sourceUrl = await createDatabase(sourceServer.url, 'crash_source');
  target = await createTestDatabase('crash_target');
  proxy = await startProxy(Number(new URL(target.url).port));
  const viaProxy = new URL(target.url);
  viaProxy.port = String(proxy.port);
  env = { CRASH_SOURCE_URL: sourceUrl, CRASH_TARGET_URL: viaProxy.toString() };

  const source = new pg.Client({ connectionString: sourceUrl });
  await source.connect();
  await source.query('CREATE TABLE ledger (tx_no bigint PRIMARY KEY, amount numeric(20,6) NOT NULL, note text NOT NULL)');
  await source.query(
    'CREATE TABLE balance (id int PRIMARY KEY, total numeric(30,6) NOT NULL, tx_count bigint NOT NULL, last_tx bigint NOT NULL)',
  );
  await source.query("INSERT INTO ledger SELECT -g, g * 0.5, 'seed ' || g FROM generate_series(0, 999) g");
  await source.query('INSERT INTO balance VALUES (1, 0, 0, 0)');
  await source.end();

  const dst = new pg.Client({ connectionString: target.url });
  await dst.connect();
  await dst.query('CREATE TABLE ledger_copy (tx_no bigint PRIMARY KEY, amount numeric(20,6) NOT NULL, memo text NOT NULL)');
  await dst.query(
    'CREATE TABLE balance_copy (id int PRIMARY KEY, total numeric(30,6) NOT NULL, tx_count bigint NOT NULL, last_tx bigint NOT NULL)',
  );
  // The audit: every row write the sync makes to ledger_copy is logged. A writer transaction
  // inserts its row once; a second entry for a tx_no means that transaction was applied twice.
  await dst.query('CREATE TABLE apply_log (tx_no bigint NOT NULL, logged_at timestamptz NOT NULL DEFAULT clock_timestamp())');
  await dst.query(
    `CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO apply_log (tx_no) VALUES (NEW.tx_no); RETURN NEW; END $$`,
  );
  await dst.query('CREATE TRIGGER audit AFTER INSERT OR UPDATE ON ledger_copy FOR EACH ROW EXECUTE FUNCTION audit()');
  // The sync applies with session_replication_role = replica, like PostgreSQL's own apply worker.
  await dst.query('ALTER TABLE ledger_copy ENABLE ALWAYS TRIGGER audit');
  await dst.end();

  dir = mkdtempSync(join(tmpdir(), 'strangler-crash-'));
  configFile = join(dir, 'sync.yaml');
  writeFileSync(
    configFile,
    `source: { urlEnv: CRASH_SOURCE_URL }
target: { urlEnv: CRASH_TARGET_URL }
slot: crash_slot
publication: crash_pub
metrics: { listen: "127.0.0.1:0" }
retry: { initial: 50ms, max: 500ms }
batching: { maxTransactions: 50, maxWait: 10ms }
heartbeat: 1s
tables:
  - source: public.ledger
    target: ledger_copy
    columns: { note: memo }
  - source: public.balance
    target: balance_copy
`,
  );
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await sourceServer?.stop();
  await target?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sync crash test', () => {
  it('survives 20 SIGKILLs, a source crash and an unreachable target without losing or repeating a transaction', async () => {
    let child = processes.spawn();
    await processes.waitFor(
      async () => Number((await query<{ n: string }>(target.url, 'SELECT count(*) AS n FROM strangler_sync.checkpoint'))[0]?.n) === 1,
      60_000,
      'the initial copy',
      100,
    );
    const writer = new Writer(sourceUrl);
    writer.start();
    let sourceCrashed = false;
    let targetCut = false;
    const applied: number[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      if (kill > 1) child = processes.spawn();
      const lifetime = 300 + Math.floor(Math.random() * 1700);
      if (kill === 7) {
        // The source crashes while the sync streams: the slot rewinds to its last persisted position.
        await sleep(1_500);
        await sourceServer.crashAndRestart();
        sourceCrashed = true;
        // The same process reconnects to the restarted source and goes on applying.
        const before = await appliedCount();
        await processes.waitFor(async () => (await appliedCount()) > before, 30_000, 'the sync to resume after the source restart', 100);
      } else if (kill === 13) {
        // The target is unreachable for a while, then comes back.
        await sleep(1_000);
        proxy.cut();
        targetCut = true;
        await sleep(2_500);
        const before = await appliedCount();
        proxy.restore();
        // The same process gets through to the target again and goes on applying.
        await processes.waitFor(async () => (await appliedCount()) > before, 30_000, 'the sync to resume after the target came back', 100);
      } else if (kill % 2 === 1) {
        // Every other process is killed while it streams: after it has applied something, at a
        // random moment. The others are killed at a random moment after they start, which may be
        // before they reconnect, during the catch-up, or mid-batch.
        const before = await appliedCount();
        await processes.waitFor(async () => (await appliedCount()) > before, 30_000, `process #${kill} to apply a transaction`, 20);
        await sleep(Math.floor(Math.random() * 500));
      } else {
        await sleep(lifetime);
      }
      child.kill('SIGKILL');
      await exited(child);
      output.push(`\n----- killed #${kill}\n`);
      applied.push(await appliedCount());
    }
    // Half the processes were seen applying before they were killed (the waits above); the
    // count applied after each kill never goes down, whatever the moment of the kill.
    console.log(`crash test: applied transactions after each kill ${applied.join(' ')}; writer at ${writer.committed}`);
    expect(applied.every((count, index) => index === 0 || count >= (applied[index - 1] ?? 0))).toBe(true);
    child = processes.spawn();
    await sleep(1_000);
    await writer.stop();
    expect(writer.committed).toBeGreaterThan(100);
    await processes.waitFor(
      async () =>
        Number((await query<{ n: string }>(target.url, 'SELECT tx_count AS n FROM balance_copy WHERE id = 1'))[0]?.n) === writer.committed,
      60_000,
      `the target to catch up to ${writer.committed} transactions`,
      100,
    );
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(130);

    const verify = await runCli(['verify']);
    expect(verify.out).toContain('verify: source and target agree on 2 table(s)');
    expect(verify.code).toBe(0);

    const twice = await query<{ tx_no: string; n: string }>(
      target.url,
      'SELECT tx_no, count(*) AS n FROM apply_log WHERE tx_no > 0 GROUP BY tx_no HAVING count(*) > 1',
    );
    expect(twice).toEqual([]);
    const once = await query<{ n: string }>(target.url, 'SELECT count(DISTINCT tx_no) AS n FROM apply_log WHERE tx_no > 0');
    expect(Number(once[0]?.n)).toBe(writer.committed);
    expect(sourceCrashed && targetCut).toBe(true);
    const status = await runCli(['status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/checkpoint: commit [0-9A-F]+\/[0-9A-F]+/);
    const drop = await runCli(['drop']);
    expect(drop.code).toBe(0);
    expect(drop.out).toContain('slot crash_slot: dropped');
  }, 180_000);
});
