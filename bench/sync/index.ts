/**
 * bench/sync: `strangler sync` (capture + apply) against PostgreSQL's native logical
 * replication (CREATE SUBSCRIPTION), same server, same data, one run. Scenarios:
 *   snapshot   initial copy of N rows
 *   (a)        one 100,000-row transaction
 *   (b)        10,000 single-row transactions
 *   (c)        a steady 2,000 transactions/s for 60 s (10 s with --quick), commit-to-apply lag
 * For (a) and (b) each consumer is stopped while the source writes, then started and timed
 * until the target holds the last row (catch-up throughput). Capture alone (PgChangeSource
 * decoding into SourceTransactions, no apply) is timed on its own slot over the same WAL.
 * Prints a table, then one line of JSON.
 *
 *   node --import tsx bench/sync/index.ts [--quick]
 */
import pg from 'pg';
import { startEmbeddedPostgres } from '../../common/pg/embedded-postgres.js';
import { createDatabase } from '../../common/pg/databases.js';
import { parseSyncConfig } from '../../sync/config/load.js';
import { startSync, type SyncHandle } from '../../sync/runner/pg-sync.js';
import { openSnapshot, PgChangeSource } from '../../sync/source/index.js';
import { createNativeSubscription } from './native.js';
import { TABLE_DDL, TARGET_DDL, insertEachCommitted, insertRange, lagOf, steadyWriter, waitForRow, type LagFigures } from './workload.js';

const quick = process.argv.includes('--quick');
const SNAPSHOT_ROWS = quick ? 100_000 : 1_000_000;
const BIG_TX_ROWS = 100_000;
const SMALL_TXS = 10_000;
const STEADY_RATE = 2_000;
const STEADY_SECONDS = quick ? 10 : 60;
const TIMEOUT_MS = quick ? 60_000 : 600_000;

const server = await startEmbeddedPostgres({ settings: { fsync: 'off', max_wal_size: '2GB', checkpoint_timeout: '15min' } });
const clients: pg.Client[] = [];
const connect = async (url: string): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
};

interface Row {
  scenario: string;
  events: number;
  oursSeconds: number;
  nativeSeconds: number;
  captureSeconds?: number;
}
const results: Row[] = [];
const lags: Record<'ours' | 'native', LagFigures & { achievedTxPerSec: number }> = {
  ours: { rows: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, achievedTxPerSec: 0 },
  native: { rows: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, achievedTxPerSec: 0 },
};

try {
  const srcUrl = await createDatabase(server.url, 'bench_src');
  const oursUrl = await createDatabase(server.url, 'bench_ours');
  const nativeUrl = await createDatabase(server.url, 'bench_native');
  const src = await connect(srcUrl);
  const ours = await connect(oursUrl);
  const native = await connect(nativeUrl);
  await src.query(TABLE_DDL);
  await ours.query(TARGET_DDL);
  await native.query(TARGET_DDL);
  await src.query('CREATE PUBLICATION bench_pub FOR TABLE bench_rows');

  const config = parseSyncConfig(
    [
      'source: { urlEnv: BENCH_SRC_URL }',
      'target: { urlEnv: BENCH_DST_URL }',
      'slot: bench_ours',
      'publication: bench_pub',
      'metrics: { enabled: false }',
      'tables:',
      '  - { source: public.bench_rows, target: public.bench_rows }',
    ].join('\n'),
    'bench-sync.yaml',
  );
  let handle: SyncHandle | undefined;
  const startOurs = async (): Promise<void> => {
    handle = await startSync({ config, urls: { sourceUrl: srcUrl, targetUrl: oursUrl } });
  };
  const stopOurs = async (): Promise<void> => {
    await handle?.stop();
    handle = undefined;
  };

  /** Capture only: decode from our own slot until the row `lastId` has been seen. */
  const capture = async (lastId: number): Promise<{ seconds: number; events: number }> => {
    const source = new PgChangeSource({
      connection: { connectionString: srcUrl },
      slot: 'bench_capture',
      publication: 'bench_pub',
      heartbeatIntervalMs: 0,
      statusIntervalMs: 100,
    });
    const started = performance.now();
    let events = 0;
    for await (const batch of source.batches(1000)) {
      let done = false;
      for (const tx of batch) {
        events += tx.changes.length;
        if (tx.changes.some((change) => change.after?.id === String(lastId))) done = true;
        source.acknowledge(tx.endLsn);
      }
      if (done) break;
    }
    const seconds = (performance.now() - started) / 1000;
    source.flush();
    await source.stop();
    return { seconds, events };
  };

  // Snapshot: N rows, copied by each consumer from scratch.
  await insertRange(src, 1, SNAPSHOT_ROWS);
  await src.query('VACUUM ANALYZE bench_rows');
  let started = performance.now();
  await startOurs();
  const oursSnapshot = await waitForRow(ours, SNAPSHOT_ROWS, TIMEOUT_MS, started);
  await stopOurs();
  started = performance.now();
  const conninfo = `host=127.0.0.1 port=${server.port} user=postgres password=${server.password} dbname=bench_src`;
  const sub = await createNativeSubscription({
    source: src,
    target: native,
    conninfo,
    publication: 'bench_pub',
    name: 'bench_native',
    copyData: true,
  });
  const nativeSnapshot = await waitForRow(native, SNAPSHOT_ROWS, TIMEOUT_MS, started);
  await waitForTableSyncReady(native);
  await sub.disable();
  // Capture only: the same snapshot read through openSnapshot (its slot then serves the capture-only runs below).
  started = performance.now();
  const opened = await openSnapshot({
    connection: { connectionString: srcUrl },
    slot: 'bench_capture',
    tables: [{ schema: 'public', table: 'bench_rows' }],
  });
  let snapshotRows = 0;
  for await (const batch of opened.batches()) snapshotRows += batch.events.length;
  await opened.close();
  const captureSnapshot = (performance.now() - started) / 1000;
  if (snapshotRows !== SNAPSHOT_ROWS) throw new Error(`the capture-only snapshot read ${snapshotRows} rows, not ${SNAPSHOT_ROWS}`);
  results.push({
    scenario: `snapshot (${SNAPSHOT_ROWS} rows)`,
    events: SNAPSHOT_ROWS,
    oursSeconds: oursSnapshot,
    nativeSeconds: nativeSnapshot,
    captureSeconds: captureSnapshot,
  });

  /**
   * WAL is cluster-wide: a slot restarts decoding at its restart_lsn and must read the WAL of
   * every database written since (here: both targets' copies). Before each timed phase let
   * every slot catch up, log running transactions (which lets restart_lsn move) and wait until
   * restart_lsn passed that point, so no consumer pays for an older phase.
   */
  let captureSlot = true;
  const settle = async (): Promise<void> => {
    const idleCapture = captureSlot
      ? new PgChangeSource({
          connection: { connectionString: srcUrl },
          slot: 'bench_capture',
          publication: 'bench_pub',
          heartbeatIntervalMs: 0,
          statusIntervalMs: 100,
        })
      : undefined;
    await Promise.all([startOurs(), sub.enable(), idleCapture?.start()]);
    const mark = await src.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const deadline = performance.now() + 20_000;
    for (;;) {
      await src.query('SELECT pg_log_standby_snapshot()');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const lagging = await src.query<{ slot_name: string }>(
        "SELECT slot_name FROM pg_replication_slots WHERE slot_name IN ('bench_ours', 'bench_native', 'bench_capture') AND restart_lsn <= $1::pg_lsn",
        [mark.rows[0]?.lsn ?? '0/0'],
      );
      if (lagging.rowCount === 0) break;
      if (performance.now() > deadline) {
        console.error(`slots still behind after 20 s: ${lagging.rows.map((row) => row.slot_name).join(', ')}`);
        break;
      }
    }
    await Promise.all([stopOurs(), sub.disable(), idleCapture?.stop()]);
  };

  // (a) and (b): write while both are stopped, then time each catching up.
  let nextId = SNAPSHOT_ROWS + 1;
  const catchUp = async (scenario: string, write: (from: number, to: number) => Promise<void>, rows: number): Promise<void> => {
    const from = nextId;
    const to = nextId + rows - 1;
    nextId = to + 1;
    await settle();
    await write(from, to);
    let t = performance.now();
    await startOurs();
    const oursSeconds = await waitForRow(ours, to, TIMEOUT_MS, t);
    await stopOurs();
    t = performance.now();
    await sub.enable();
    const nativeSeconds = await waitForRow(native, to, TIMEOUT_MS, t);
    await sub.disable();
    const captured = await capture(to);
    results.push({ scenario, events: rows, oursSeconds, nativeSeconds, captureSeconds: captured.seconds });
  };
  await catchUp(`(a) one ${BIG_TX_ROWS}-row transaction`, (from, to) => insertRange(src, from, to), BIG_TX_ROWS);
  await catchUp(`(b) ${SMALL_TXS} single-row transactions`, (from, to) => insertEachCommitted(src, from, to), SMALL_TXS);
  await src.query('SELECT pg_drop_replication_slot($1)', ['bench_capture']);
  captureSlot = false;

  // (c) steady rate with the consumer running: commit-to-apply lag.
  const steady = async (which: 'ours' | 'native'): Promise<void> => {
    await settle();
    const from = nextId;
    if (which === 'ours') await startOurs();
    else await sub.enable();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const written = await steadyWriter(srcUrl, from, STEADY_RATE, STEADY_SECONDS);
    nextId = written.lastId + 1;
    const target = which === 'ours' ? ours : native;
    await waitForRow(target, written.lastId, TIMEOUT_MS);
    if (which === 'ours') await stopOurs();
    else await sub.disable();
    lags[which] = { ...(await lagOf(target, from, written.lastId)), achievedTxPerSec: written.transactions / written.seconds };
  };
  await steady('ours');
  await steady('native');
  await sub.drop();
} finally {
  for (const client of clients) await client.end().catch(() => undefined);
  await server.stop();
}

async function waitForTableSyncReady(target: pg.Client): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const states = await target.query<{ srsubstate: string }>('SELECT srsubstate FROM pg_subscription_rel');
    if (states.rows.length > 0 && states.rows.every((row) => row.srsubstate === 'r')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const rate = (events: number, seconds: number | undefined): number =>
  seconds === undefined || seconds <= 0 ? 0 : Math.round(events / seconds);
const table = [['scenario', 'events', 'ours s', 'ours ev/s', 'native s', 'native ev/s', 'ours/native', 'capture-only ev/s']];
for (const row of results) {
  table.push([
    row.scenario,
    String(row.events),
    row.oursSeconds.toFixed(2),
    String(rate(row.events, row.oursSeconds)),
    row.nativeSeconds.toFixed(2),
    String(rate(row.events, row.nativeSeconds)),
    (row.nativeSeconds / row.oursSeconds).toFixed(2),
    row.captureSeconds === undefined ? '-' : String(rate(row.events, row.captureSeconds)),
  ]);
}
for (const which of ['ours', 'native'] as const) {
  const lag = lags[which];
  table.push([
    `(c) steady ${STEADY_RATE} tx/s, ${STEADY_SECONDS} s: ${which}`,
    String(lag.rows),
    `${Math.round(lag.achievedTxPerSec)} tx/s`,
    `p50 ${lag.p50Ms.toFixed(1)} ms`,
    `p99 ${lag.p99Ms.toFixed(1)} ms`,
    `max ${lag.maxMs.toFixed(1)} ms`,
    '',
    '',
  ]);
}
const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));

const streaming = results.filter((row) => row.scenario.startsWith('('));
const streamEvents = streaming.reduce((sum, row) => sum + row.events, 0);
const oursStream = streaming.reduce((sum, row) => sum + row.oursSeconds, 0);
const nativeStream = streaming.reduce((sum, row) => sum + row.nativeSeconds, 0);
const captureStream = streaming.reduce((sum, row) => sum + (row.captureSeconds ?? 0), 0);
const snapshotRow = results.find((row) => row.scenario.startsWith('snapshot'));
const snapshot = results.find((row) => row.scenario.startsWith('snapshot'));
console.log(
  JSON.stringify({
    snapshotRowsPerSec: rate(snapshot?.events ?? 0, snapshot?.oursSeconds),
    nativeSnapshotRowsPerSec: rate(snapshot?.events ?? 0, snapshot?.nativeSeconds),
    applyEventsPerSec: rate(streamEvents, oursStream),
    nativeApplyEventsPerSec: rate(streamEvents, nativeStream),
    vsNative: Number((nativeStream / oursStream).toFixed(3)),
    captureEventsPerSec: rate(streamEvents, captureStream),
    captureSnapshotRowsPerSec: rate(snapshotRow?.events ?? 0, snapshotRow?.captureSeconds),
    lagP50Ms: Number(lags.ours.p50Ms.toFixed(1)),
    lagP99Ms: Number(lags.ours.p99Ms.toFixed(1)),
    nativeLagP99Ms: Number(lags.native.p99Ms.toFixed(1)),
    steadyTxPerSec: Math.round(lags.ours.achievedTxPerSec),
    quick,
  }),
);
